/**
 * The controls: a tweakpane panel generated from the settings table (src/ui/settings.ts), plus a
 * metric editor with live validation and the error's position (the metric language's parser).
 */
import { Pane } from 'tweakpane';
import { FIELDS, alphaMeaning, appWorld, autoDirection, metricProblem, paramFields, type Field, type Settings } from './settings.ts';

/** Hooks the panel calls. */
export interface PanelHooks {
  /** A setting changed (the object is already updated). */
  changed(key: string): void;
  pause(): void;
  step(): void;
  restart(): void;
}

const GROUP_TITLES: Record<Field['group'], string> = { gate: 'Anchor gate', feedback: 'Metric & feedback', learners: 'Learners', run: 'Run', view: 'View' };

/** Builds the panel into `host`; returns a function that rebuilds it (after a world change). */
export function buildPanel(host: HTMLElement, s: Settings, hooks: PanelHooks): { refresh(): void; dispose(): void } {
  const paneHost = document.createElement('div');
  const editor = metricEditor(s, hooks);
  const meaning = document.createElement('p');
  meaning.className = 'alpha-meaning';
  meaning.id = 'alpha-meaning';
  host.append(meaning, paneHost, editor.el);
  const pane = new Pane({ container: paneHost, title: 'Settings' });
  const buttons = pane.addFolder({ title: 'Playback' });
  buttons.addButton({ title: 'pause / resume (space)' }).on('click', () => hooks.pause());
  buttons.addButton({ title: 'step' }).on('click', () => hooks.step());
  buttons.addButton({ title: 'restart run' }).on('click', () => hooks.restart());
  const folders = new Map<Field['group'], ReturnType<Pane['addFolder']>>();
  const folder = (g: Field['group']) => {
    let f = folders.get(g);
    if (!f) {
      f = pane.addFolder({ title: GROUP_TITLES[g], expanded: g !== 'run' && g !== 'learners' });
      folders.set(g, f);
    }
    return f;
  };
  const showMeaning = (): void => {
    meaning.textContent = alphaMeaning(Number(s.alpha));
  };
  showMeaning();
  for (const f of FIELDS) {
    if (f.key === 'metric') continue; // edited in the metric editor
    bind(folder(f.group), s as Record<string, unknown>, f.key, f, () => {
      if (f.key === 'alpha') showMeaning();
      if (f.key === 'direction' || f.key === 'threshold') editor.validate();
      hooks.changed(f.key);
    });
  }
  const params = pane.addFolder({ title: `World parameters (${String(s.world)})`, expanded: false });
  for (const f of paramFields(appWorld(s.world))) {
    const name = f.key.slice(2);
    bind(params, s.params, name, f, () => hooks.changed(f.key));
  }
  return {
    refresh: () => {
      pane.refresh();
      editor.sync();
      showMeaning();
    },
    dispose: () => {
      pane.dispose();
      host.replaceChildren();
    },
  };
}

function bind(folder: { addBinding: Pane['addBinding'] }, obj: Record<string, unknown>, key: string, f: Field, changed: () => void): void {
  const c = f.control;
  const label = f.label;
  let api;
  if (c.kind === 'number') api = folder.addBinding(obj, key, { label, min: c.min, max: c.max, step: c.step });
  else if (c.kind === 'select') api = folder.addBinding(obj, key, { label, options: Object.fromEntries(c.options.map((o) => [o, o])) });
  else api = folder.addBinding(obj, key, { label });
  api.element.title = f.doc;
  api.on('change', (ev) => {
    // Sliders report every drag step; a run restarts on the last one (see main.ts debounce).
    if (!Number.isFinite(ev.value as number) && c.kind === 'number') return;
    changed();
  });
}

/** A textarea for the metric language: validates on every keystroke, applies on Enter or the button. */
function metricEditor(s: Settings, hooks: PanelHooks) {
  const el = document.createElement('div');
  el.className = 'metric-editor';
  const label = document.createElement('label');
  label.textContent = 'Start metric (metric language; empty = world default)';
  label.htmlFor = 'metric-input';
  const input = document.createElement('textarea');
  input.id = 'metric-input';
  input.rows = 2;
  input.spellcheck = false;
  const status = document.createElement('pre');
  status.className = 'metric-status';
  status.setAttribute('aria-live', 'polite');
  const apply = document.createElement('button');
  apply.type = 'button';
  apply.textContent = 'apply metric';
  el.append(label, input, status, apply);
  const validate = (): boolean => {
    const text = input.value;
    const problem = metricProblem(appWorld(s.world), text, String(s.direction), Number(s.threshold));
    if (!problem) {
      status.className = 'metric-status ok';
      const auto = text.trim() && s.direction === 'auto' ? autoDirection(appWorld(s.world), text) : null;
      status.textContent = text.trim() ? `✓ valid${auto ? ` — direction ${auto.direction} (${auto.reason})` : ''}` : "✓ the world's default metric";
      return true;
    }
    status.className = 'metric-status bad';
    const pos = problem.position;
    if (pos) {
      const line = text.split('\n')[pos.line - 1] ?? '';
      status.textContent = `${line}\n${' '.repeat(Math.max(0, pos.column - 1))}^ ${problem.message}`;
    } else status.textContent = problem.message;
    return false;
  };
  const commit = (): void => {
    if (!validate() || input.value === s.metric) return;
    s.metric = input.value;
    hooks.changed('metric');
  };
  input.addEventListener('input', validate);
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      commit();
    }
  });
  apply.addEventListener('click', commit);
  const sync = (): void => {
    input.value = String(s.metric);
    validate();
  };
  sync();
  return { el, validate, sync };
}
