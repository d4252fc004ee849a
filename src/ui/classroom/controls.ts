/**
 * The classroom's controls: plain, large, native form elements generated from the app's settings
 * table (a range for numbers — arrow keys move it —, a select, a checkbox, a text field), each
 * with a visible label and its meaning. Locked controls are shown read-only (disabled, and said
 * so). Hidden ones are not built at all.
 */
import { alphaMeaning, appWorld, describe, FIELDS, paramFields, type Field, type Settings } from '../settings.ts';

/** What the controls call when a student changes one. */
export interface ControlHooks {
  /** Sets a setting (key as in the URL: `alpha`, `p.body`). */
  set(key: string, value: unknown): void;
}

/** Every field a control can be built for, for this world. */
export function fieldsFor(world: unknown): Map<string, Field> {
  return new Map([...FIELDS, ...paramFields(appWorld(world))].map((f) => [f.key, f]));
}

const valueOf = (s: Settings, key: string): unknown => (key.startsWith('p.') ? s.params[key.slice(2)] : s[key]);

/** Builds the controls `keys` (in order) into `host`; returns a function that re-reads their values. */
export function buildControls(host: HTMLElement, get: () => Settings, keys: readonly string[], locked: ReadonlySet<string>, hooks: ControlHooks): () => void {
  host.replaceChildren();
  const fields = fieldsFor(get().world);
  const sync: (() => void)[] = [];
  for (const key of keys) {
    const f = fields.get(key);
    if (!f) continue;
    const id = `ctl-${key.replace(/[^a-z0-9]/gi, '-')}`;
    const row = document.createElement('div');
    row.className = 'ctl';
    row.dataset.control = key;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = key === 'alpha' ? 'α — the anchor gate (the dial)' : f.label;
    const doc = document.createElement('p');
    doc.className = 'ctl-doc';
    doc.id = `${id}-doc`;
    doc.textContent = f.doc + (locked.has(key) ? ' (fixed for this step)' : '');
    const isLocked = locked.has(key);
    let input: HTMLInputElement | HTMLSelectElement;
    const c = f.control;
    const out = document.createElement('output');
    out.htmlFor = id;
    if (c.kind === 'number' && (c.max - c.min) / c.step > 1000) {
      // A seed is a number to type, not a position on a slider.
      const n = document.createElement('input');
      n.type = 'number';
      n.min = String(c.min);
      n.max = String(c.max);
      n.step = String(c.step);
      n.addEventListener('change', () => {
        const v = Number(n.value);
        if (n.value.trim() !== '' && f.schema.safeParse(v).success) hooks.set(key, v);
        else doc.textContent = `${f.doc} — ${describe(f)}`;
      });
      input = n;
      sync.push(() => (n.value = String(valueOf(get(), key))));
    } else if (c.kind === 'number') {
      const r = document.createElement('input');
      r.type = 'range';
      r.min = String(c.min);
      r.max = String(c.max);
      r.step = String(c.step);
      input = r;
      const read = (): void => {
        r.value = String(valueOf(get(), key));
        out.textContent = key === 'alpha' ? alphaMeaning(Number(r.value)) : r.value;
        r.setAttribute('aria-valuetext', key === 'alpha' ? `α ${Number(r.value).toFixed(2)}` : r.value);
      };
      r.addEventListener('input', () => {
        out.textContent = key === 'alpha' ? alphaMeaning(Number(r.value)) : r.value;
        r.setAttribute('aria-valuetext', key === 'alpha' ? `α ${Number(r.value).toFixed(2)}` : r.value);
      });
      r.addEventListener('change', () => {
        const v = Number(r.value);
        if (f.schema.safeParse(v).success) hooks.set(key, v);
      });
      sync.push(read);
    } else if (c.kind === 'select') {
      const sel = document.createElement('select');
      for (const o of c.options) sel.append(new Option(o, o));
      sel.addEventListener('change', () => hooks.set(key, sel.value));
      input = sel;
      sync.push(() => (sel.value = String(valueOf(get(), key))));
    } else if (c.kind === 'boolean') {
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.addEventListener('change', () => hooks.set(key, cb.checked));
      input = cb;
      sync.push(() => (cb.checked = valueOf(get(), key) === true));
    } else {
      const t = document.createElement('input');
      t.type = 'text';
      t.addEventListener('change', () => {
        if (f.schema.safeParse(t.value).success) hooks.set(key, t.value);
        else doc.textContent = `${f.doc} — ${describe(f)}`;
      });
      input = t;
      sync.push(() => (t.value = String(valueOf(get(), key))));
    }
    input.id = id;
    input.setAttribute('aria-describedby', doc.id);
    if (isLocked) {
      input.disabled = true;
      row.classList.add('locked');
    }
    row.append(label, input, out, doc);
    host.append(row);
  }
  const refresh = (): void => {
    for (const f of sync) f();
  };
  refresh();
  return refresh;
}
