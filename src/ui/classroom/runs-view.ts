/**
 * Saved runs: the list (open, rename, export, resume, delete), import of a `run.jsonl` and the
 * storage messages. Export writes the CLI's record format as it is stored, so `mirage-lab
 * report` reads it; import goes through `checkImport` before anything is written.
 */
import { checkImport } from '../../runs/browser/import.ts';
import { RunStore, type StoredRun } from '../../runs/browser/idb-store.ts';
import { effectiveEvents, parseRecord } from '../../runs/record.ts';
import { summaryOf } from '../../runs/summary.ts';
import { newRunId, type Recorder } from './recorder.ts';

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};

/** Offers text as a file download. */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The saved-runs panel. */
export class RunsView {
  readonly root: HTMLElement;
  private readonly list: HTMLElement;
  private readonly message: HTMLElement;
  private readonly storageLine: HTMLElement;
  private readonly detail: HTMLElement;
  private store: Promise<RunStore> | null = null;
  /** Runs that lost their storage (quota): their text, for export. */
  readonly memoryRuns = new Map<string, { name: string; text: string }>();
  private persistAsked = false;
  /** The rows last drawn (tests read them). */
  rows: StoredRun[] = [];

  constructor(private readonly recorder: Recorder) {
    this.message = el('p', { className: 'runs-message', id: 'runs-message' });
    this.message.setAttribute('role', 'status');
    this.storageLine = el('p', { className: 'storage-line', id: 'storage-line' });
    const input = el('input', { type: 'file', id: 'import-file', accept: '.jsonl,.json,.txt,application/x-ndjson,text/plain' });
    input.addEventListener('change', () => {
      const f = input.files?.[0];
      if (f) void f.text().then((t) => this.importText(t, f.name));
      input.value = '';
    });
    const importLabel = el('label', { htmlFor: 'import-file', className: 'import-label' }, 'Import a run record (run.jsonl from mirage-lab run): ');
    this.list = el('div', { id: 'runs-list' });
    this.detail = el('div', { id: 'run-detail', className: 'run-detail', hidden: true });
    this.detail.setAttribute('tabindex', '-1');
    this.root = el('section', { id: 'saved-runs', className: 'saved-runs' }, el('h2', {}, 'Saved runs'), this.storageLine, el('p', {}, importLabel, input), this.message, this.list, this.detail);
    this.root.setAttribute('aria-label', 'Saved runs');
  }

  private open(): Promise<RunStore> {
    this.store ??= RunStore.open(() => new Date().toISOString());
    return this.store;
  }

  /** Asks once for persistent storage and says what the browser granted. */
  async askPersist(): Promise<void> {
    if (this.persistAsked) return;
    this.persistAsked = true;
    let granted = false;
    try {
      granted = (await navigator.storage?.persist?.()) ?? false;
    } catch {
      granted = false;
    }
    this.storageLine.textContent = granted
      ? 'Saved runs are kept in this browser (persistent storage granted).'
      : 'Saved runs are kept in this browser on a best-effort basis: it may clear them when space runs low. Export the ones you want to keep.';
  }

  say(text: string, kind: 'ok' | 'bad' = 'ok'): void {
    this.message.textContent = text;
    this.message.className = `runs-message ${kind}`;
  }

  /** Redraws the list from the store. */
  async refresh(): Promise<void> {
    const store = await this.open();
    this.rows = await store.list();
    const table = el('table', { className: 'runs-table' });
    table.append(el('caption', {}, `${this.rows.length} saved run${this.rows.length === 1 ? '' : 's'}${this.memoryRuns.size ? `, ${this.memoryRuns.size} in memory only` : ''}`));
    const head = el('tr');
    for (const h of ['Name', 'Experiment', 'Status', 'Content hash', 'Actions']) head.append(el('th', { scope: 'col' }, h));
    table.append(el('thead', {}, head));
    const body = el('tbody');
    for (const r of this.rows) body.append(this.row(r));
    for (const [id, m] of this.memoryRuns) {
      const tr = el('tr', {}, el('td', {}, m.name), el('td', {}, '—'), el('td', {}, 'in memory only (not saved)'), el('td', {}, '—'));
      const b = el('button', { type: 'button', textContent: 'Export' });
      b.setAttribute('aria-label', `Export ${m.name}`);
      b.addEventListener('click', () => download(`${id}.run.jsonl`, m.text));
      tr.append(el('td', {}, b));
      body.append(tr);
    }
    table.append(body);
    this.list.replaceChildren(table);
  }

  private row(r: StoredRun): HTMLTableRowElement {
    const running = this.recorder.active.has(r.id);
    const status = running ? 'running' : r.status === 'incomplete' ? 'stopped (can be resumed)' : r.status === 'interrupted' ? 'interrupted (can be resumed)' : 'finished';
    const name = el('td', { className: 'run-name' }, r.name);
    const tr = el('tr', {}, name, el('td', {}, `${r.experiment} · seed ${r.seed}${r.source === 'import' ? ' · imported' : ''}`), el('td', { className: `st-${running ? 'running' : r.status}` }, status), el('td', {}, el('code', {}, r.contentHash ? r.contentHash.slice(0, 12) : '—')));
    tr.dataset.run = r.id;
    const actions = el('td', { className: 'run-actions' });
    const button = (label: string, act: () => void | Promise<void>): HTMLButtonElement => {
      const b = el('button', { type: 'button', textContent: label });
      b.setAttribute('aria-label', `${label} ${r.name}`);
      b.dataset.action = label.toLowerCase();
      b.addEventListener('click', () => void Promise.resolve(act()).catch((err: unknown) => this.say(`${label} failed: ${err instanceof Error ? err.message : String(err)}`, 'bad')));
      actions.append(b);
      return b;
    };
    button('Open', () => this.show(r));
    button('Rename', () => this.rename(r, name));
    button('Export', async () => download(`${r.id}.run.jsonl`, await (await this.open()).text(r.id)));
    if (!running && r.status !== 'finished' && r.source === 'page') button('Resume', () => this.resume(r));
    let armed = false;
    const del = button('Delete', async () => {
      if (!armed) {
        armed = true;
        del.textContent = 'Press again to delete';
        return;
      }
      await (await this.open()).delete(r.id);
      this.say(`Deleted "${r.name}".`);
      await this.refresh();
    });
    if (running) del.disabled = true;
    tr.append(actions);
    return tr;
  }

  private rename(r: StoredRun, cell: HTMLElement): void {
    const input = el('input', { type: 'text', value: r.name, id: `rename-${r.id}` });
    input.setAttribute('aria-label', `New name for ${r.name}`);
    const save = async (): Promise<void> => {
      await (await this.open()).rename(r.id, input.value.trim() || r.name);
      this.say(`Renamed to "${input.value.trim() || r.name}".`);
      await this.refresh();
    };
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') void save();
      if (ev.key === 'Escape') void this.refresh();
    });
    cell.replaceChildren(input);
    input.focus();
    input.select();
  }

  private async resume(r: StoredRun): Promise<void> {
    this.say(`Resuming "${r.name}" from its last checkpoint…`);
    const done = this.recorder.resume(r.id);
    await this.refresh();
    const d = await done;
    this.say(`"${r.name}" ${d.status} · content hash ${d.contentHash.slice(0, 12)}`);
    await this.refresh();
  }

  private async show(r: StoredRun): Promise<void> {
    const text = await (await this.open()).text(r.id);
    const record = parseRecord(text);
    const s = summaryOf(record);
    const series = new Map<string, number[]>();
    for (const l of effectiveEvents(record)) {
      const e = l.event;
      if (e.type === 'point' && typeof e.y === 'number') {
        const k = `${e.chart}/${e.series}`;
        const ys = series.get(k) ?? [];
        ys.push(e.y);
        series.set(k, ys);
      }
    }
    const table = el('table', { className: 'series-table' }, el('caption', {}, 'Curves in the record'));
    const head = el('tr');
    for (const h of ['Series', 'Points', 'First', 'Last', 'Min', 'Max']) head.append(el('th', { scope: 'col' }, h));
    table.append(el('thead', {}, head));
    const body = el('tbody');
    for (const [k, ys] of series) body.append(el('tr', {}, el('th', { scope: 'row' }, k), ...[ys.length, ys[0], ys.at(-1), Math.min(...ys), Math.max(...ys)].map((v) => el('td', {}, typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : '—'))));
    table.append(body);
    const h = el('h3', {}, `Run: ${r.name}`);
    this.detail.replaceChildren(
      h,
      el('p', {}, `${s.experiment} · seed ${s.seed} · ${s.status} · ${s.events} events · record version ${s.recordVersion} · content hash `, el('code', {}, s.contentHash)),
      table,
    );
    this.detail.hidden = false;
    this.detail.focus();
  }

  /** Imports a record's text: checked first; refused files change nothing. */
  async importText(text: string, fileName = 'run.jsonl'): Promise<{ ok: boolean; reason?: string; id?: string }> {
    const r = checkImport(text);
    if (!r.ok) {
      this.say(`Refused ${fileName}: ${r.reason}. Nothing stored was changed.`, 'bad');
      return { ok: false, reason: r.reason };
    }
    const store = await this.open();
    const h = r.record.header;
    try {
      const run = await store.add({ id: newRunId(), name: `${h.experiment} seed ${h.seed} (imported ${fileName})`, experiment: h.experiment, seed: h.seed, lesson: null, source: 'import', createdAt: new Date().toISOString() }, r.record, r.text);
      this.say(`Imported ${fileName}: ${run.experiment} seed ${run.seed}, ${run.status}.`);
      await this.askPersist();
      await this.refresh();
      return { ok: true, id: run.id };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.say(`Could not store ${fileName}: ${reason}. Nothing stored was changed.`, 'bad');
      return { ok: false, reason };
    }
  }

  /** The store (tests and the lesson view read it). */
  storeP(): Promise<RunStore> {
    return this.open();
  }
}
