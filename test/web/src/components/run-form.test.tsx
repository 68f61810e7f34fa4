import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RunForm } from '../../../../web/src/components/run-form.tsx';

/** The start tag of the element with this id. */
function tagOf(html: string, id: string): string {
  const m = new RegExp(`<(\\w+)[^>]*\\bid="${id}"[^>]*>`).exec(html);
  return m?.[0] ?? '';
}

describe('RunForm', () => {
  it('renders labelled inputs: required marked, secrets as passwords, enums as selects, JSON editors', () => {
    const html = renderToStaticMarkup(
      <RunForm
        parameters={{
          cmd: { type: 'string', required: true, description: 'The command' },
          password: { type: 'string', secret: true },
          method: { type: 'string', enum: ['GET', 'POST'] },
          hosts: { type: 'array' },
          sudo: { type: 'boolean' },
        }}
        submitLabel="Run"
        onSubmit={async () => {}}
      />,
    );
    expect(html).toMatch(/<label for="p-cmd">cmd<span class="required"/);
    expect(html).toContain('<span class="sr-only">(required)</span>');
    expect(tagOf(html, 'p-cmd')).toMatch(
      /^<input [^>]*required=""[^>]*aria-describedby="p-cmd-d"|^<input [^>]*aria-describedby="p-cmd-d"[^>]*required=""/,
    );
    expect(tagOf(html, 'p-password')).toContain('type="password"');
    expect(tagOf(html, 'p-method')).toMatch(/^<select /);
    expect(html).toContain('<option value="" selected="">(default)</option><option>GET</option><option>POST</option>');
    expect(tagOf(html, 'p-hosts')).toMatch(/^<textarea /);
    expect(tagOf(html, 'p-sudo')).toContain('type="checkbox"');
    expect(html).toContain('<button type="submit" class="primary">Run</button>');
  });

  it('says when an action takes no parameters', () => {
    const html = renderToStaticMarkup(<RunForm parameters={{}} submitLabel="Run" onSubmit={async () => {}} />);
    expect(html).toContain('This action takes no parameters.');
  });
});
