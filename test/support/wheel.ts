import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/**
 * Builds a minimal pure-Python wheel (`<name>-<version>-py3-none-any.whl`: `<name>/__init__.py` with
 * `source`, and the dist-info METADATA, WHEEL and RECORD pip needs) in `dir`, with the host's Python's
 * zipfile, so pip can install it with `--no-index --find-links dir`, no network.
 */
export function buildWheel(dir: string, name: string, version: string, source: string): string {
  mkdirSync(dir, { recursive: true });
  const script = `
import base64, hashlib, os, sys, zipfile
d, name, version, source = sys.argv[1:5]
info = "%s-%s.dist-info" % (name, version)
files = {
    name + "/__init__.py": source,
    info + "/METADATA": "Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n" % (name, version),
    info + "/WHEEL": "Wheel-Version: 1.0\\nGenerator: squall-tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
def digest(text):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
record = "".join("%s,%s,%d\\n" % (p, digest(t), len(t.encode())) for p, t in files.items()) + info + "/RECORD,,\\n"
path = os.path.join(d, "%s-%s-py3-none-any.whl" % (name, version))
with zipfile.ZipFile(path, "w") as z:
    for p, t in files.items():
        z.writestr(p, t)
    z.writestr(info + "/RECORD", record)
print(path)
`;
  return execFileSync('/usr/bin/python3', ['-c', script, dir, name, version, source], { encoding: 'utf8' }).trim();
}
