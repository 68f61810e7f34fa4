import { type FormEvent, type ReactNode, useMemo, useState } from 'react';
import type { ActionParameter } from '../api/types.ts';
import {
  buildParameters,
  type Field,
  type FormValue,
  fieldsOf,
  initialValues,
  jsonProblem,
} from '../lib/param-fields.ts';

function Input({
  f,
  value,
  onChange,
  error,
}: {
  f: Field;
  value: FormValue;
  onChange: (v: FormValue) => void;
  error: string | undefined;
}) {
  const id = `p-${f.name}`;
  const described = [f.description ? `${id}-d` : '', error ? `${id}-e` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: f.name,
    'aria-describedby': described,
    'aria-invalid': error ? true : undefined,
    required: f.required && f.default === undefined,
  };
  let control: ReactNode;
  switch (f.kind) {
    case 'boolean':
      control = (
        <input
          type="checkbox"
          {...common}
          required={false}
          checked={value === true}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
      break;
    case 'enum':
      control = (
        <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
          {f.required ? null : <option value="">(default)</option>}
          {f.options?.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      );
      break;
    case 'array':
    case 'object':
      control = (
        <textarea
          {...common}
          className="json-input"
          rows={4}
          spellCheck={false}
          placeholder={f.kind === 'array' ? '["a", "b"]' : '{"key": "value"}'}
          value={String(value)}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    default:
      control = (
        <input
          {...common}
          type={f.kind === 'secret' ? 'password' : 'text'}
          inputMode={f.kind === 'integer' ? 'numeric' : f.kind === 'number' ? 'decimal' : undefined}
          autoComplete={f.kind === 'secret' ? 'new-password' : 'off'}
          placeholder={f.default !== undefined && f.kind !== 'secret' ? String(f.default) : undefined}
          value={String(value)}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
  return (
    <div className={`field field-${f.kind}`}>
      <label htmlFor={id}>
        {f.name}
        {f.required ? (
          <span className="required" title="required">
            {' '}
            * <span className="sr-only">(required)</span>
          </span>
        ) : null}
        <span className="muted small"> {f.kind}</span>
      </label>
      {control}
      {f.description ? (
        <p id={`${id}-d`} className="muted small">
          {f.description}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-e`} className="error small" role="alert">
          {f.name} {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A run form built from an action's parameters: enums as selects, secrets as password inputs,
 * arrays and objects as JSON editors checked as you type; required ones marked.
 */
export function RunForm({
  parameters,
  given,
  submitLabel,
  onSubmit,
  keepDefaults = false,
}: {
  parameters: Record<string, ActionParameter> | undefined;
  given?: Record<string, unknown>;
  submitLabel: string;
  /** Send every value, defaults too (an inquiry's response), rather than leave defaults to the server. */
  keepDefaults?: boolean;
  onSubmit: (parameters: Record<string, unknown>) => Promise<void>;
}) {
  const fields = useMemo(() => fieldsOf(parameters), [parameters]);
  const [values, setValues] = useState(() => initialValues(fields, given));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const change = (f: Field, v: FormValue) => {
    setValues((old) => ({ ...old, [f.name]: v }));
    if (f.kind === 'array' || f.kind === 'object') {
      const problem = typeof v === 'string' && v.trim() !== '' ? jsonProblem(v, f.kind) : undefined;
      setErrors((old) => {
        const { [f.name]: _drop, ...rest } = old;
        return problem ? { ...rest, [f.name]: problem } : rest;
      });
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const built = buildParameters(fields, values, { keepDefaults });
    setErrors(built.errors);
    if (Object.keys(built.errors).length > 0) return;
    setBusy(true);
    setFailure(undefined);
    try {
      await onSubmit(built.parameters);
    } catch (err) {
      setFailure(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="run-form" onSubmit={(e) => void submit(e)} noValidate aria-label={submitLabel}>
      {fields.length === 0 ? <p className="muted">This action takes no parameters.</p> : null}
      {fields.map((f) => (
        <Input key={f.name} f={f} value={values[f.name] ?? ''} onChange={(v) => change(f, v)} error={errors[f.name]} />
      ))}
      {failure ? (
        <p className="error" role="alert">
          {failure}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}
