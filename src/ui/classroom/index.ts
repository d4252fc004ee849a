/**
 * Classroom mode (issue 13): lessons with predict-then-reveal, the whole state in the URL
 * (`lesson`, `step`, `hide`, `lock` beside the settings), copy link and QR code, keyboard help,
 * and saved runs. main.ts calls three things: `readUrl` (instead of settings.ts `parseQuery`),
 * `pageQuery` (instead of `toQuery`) and `mountClassroom` once the app's API exists.
 *
 * Classroom mode is on when the link names a lesson or hides/locks controls; the plain app gets
 * the lesson list and the saved-runs panel only.
 */
import type { ExperimentEvent } from '../../experiments/types.ts';
import { reveal as computeReveal, seriesValues, type Reveal } from '../../lessons/outcome.ts';
import { resolveRun, SERIES, stepSettings } from '../../lessons/run-config.ts';
import type { Lesson, Step } from '../../lessons/schema.ts';
import { FIELDS, type Settings } from '../settings.ts';
import { parseUrlState, urlQuery, type ClassroomState, type UrlState } from '../url-state.ts';
import { BUILT_IN, CATALOG_PROBLEMS, LESSONS, saveCustomLesson } from './catalog.ts';
import { checkLessonText } from '../../lessons/check.ts';
import { buildControls } from './controls.ts';
import { Recorder, type RecordDone } from './recorder.ts';
import { RunsView } from './runs-view.ts';
import './classroom.css';

/** What the classroom needs from the app (main.ts's `window.mirageApp`). */
export interface AppHooks {
  settings(): Settings;
  set(key: string, value: unknown): void;
  /** The app's state; `renderer` is set once its views (and their Space handler) are up. */
  state?(): { renderer?: string | null };
  /** Holds the app's own runs while a prediction's runs use the machine (true), or releases them. */
  hold?(on: boolean): void;
}

const classroom: ClassroomState = { lesson: null, step: 0, hide: [], lock: [] };

/** Reads the page's URL: settings and classroom state, everything ignored listed. */
export function readUrl(search: string): UrlState {
  const u = parseUrlState(search, LESSONS);
  Object.assign(classroom, u.classroom);
  return CATALOG_PROBLEMS.length ? { ...u, ignored: [...u.ignored, ...CATALOG_PROBLEMS.map((p) => `built-in lesson left out: ${p}`)] } : u;
}

/** The page's query for these settings (classroom keys included). */
export function pageQuery(settings: Settings): string {
  return urlQuery(settings, classroom, LESSONS);
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...kids);
  return e;
};

/** Column headings a class can read, with the series name the docs and the CLI use in brackets. */
const COLUMN_NAMES: Record<string, string> = {
  'groundTruth/proxy': 'score (proxy)',
  'groundTruth/anchorGt': 'real success (anchorGt)',
  'groundTruth/probeGt': 'on shifted tasks (probeGt)',
  'disagreement/disagreement': 'metric vs real goal (disagreement)',
  'groundTruth/gtPassRate': 'real success (gtPassRate)',
  'metric/metric': 'metric (mean)',
  'bitsPerFeedback/bitsPerFeedback': 'bits per feedback',
};

/** One prediction as recorded. */
interface Prediction {
  lesson: string;
  step: string;
  choice: string;
  /** performance.now() when it was made. */
  at: number;
  /** ms from the prediction to the first result point (null until then). */
  firstResultMs: number | null;
  runIds: string[];
  reveal: Reveal | null;
  done: boolean;
  error: string | null;
}

/** Mounts the classroom into the page. */
export function mountClassroom(app: AppHooks): void {
  const mode = classroom.lesson !== null || classroom.hide.length > 0 || classroom.lock.length > 0;
  const predictions: Prediction[] = [];
  let finished = false;
  let readyMs: number | null = null;
  let viewsPaused = false;
  const reduceMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

  const storageBox = el('div', { id: 'storage-alert', className: 'storage-alert', hidden: true });
  storageBox.setAttribute('role', 'alert');
  const recorder = new Recorder({
    storage: (m) => {
      storageBox.hidden = false;
      storageBox.textContent = m;
    },
    changed: () => void runs.refresh(),
  });
  const runs = new RunsView(recorder);
  const main = document.querySelector('main');
  const extras = el('section', { id: 'class-extras', className: 'class-extras' });
  extras.setAttribute('aria-label', 'Lessons and saved runs');
  const lessonList = el('ul', { className: 'lesson-list' });
  for (const l of LESSONS.values()) {
    const a = el('a', { href: `?lesson=${l.id}`, textContent: l.title });
    lessonList.append(el('li', {}, a, ` — ${l.summary}`));
  }
  // A teacher's own lesson file: checked like the built-in ones, kept in this browser, opened at once.
  const ownInput = el('input', { type: 'file', id: 'lesson-file', accept: '.json,application/json' });
  const ownMessage = el('div', { className: 'runs-message', id: 'lesson-file-message' });
  ownMessage.setAttribute('role', 'status');
  ownInput.addEventListener('change', () => {
    const f = ownInput.files?.[0];
    ownInput.value = '';
    if (!f) return;
    void f.text().then((text) => {
      const r = checkLessonText(text);
      if (!r.ok) {
        ownMessage.className = 'runs-message bad';
        ownMessage.replaceChildren(el('p', {}, `${f.name} is not a valid lesson:`), el('ul', {}, ...r.problems.slice(0, 12).map((p) => el('li', {}, p))));
        return;
      }
      if (BUILT_IN.has(r.lesson.id)) {
        ownMessage.className = 'runs-message bad';
        ownMessage.textContent = `${f.name}: the id "${r.lesson.id}" belongs to a built-in lesson; give yours another id.`;
        return;
      }
      saveCustomLesson(r.lesson);
      location.search = `?lesson=${encodeURIComponent(r.lesson.id)}`;
    });
  });
  const own = el('p', {}, el('label', { htmlFor: 'lesson-file' }, 'Open your own lesson file (see docs/classroom.md): '), ownInput);
  extras.append(el('h2', {}, 'Lessons'), lessonList, own, ownMessage, storageBox, runs.root);
  main?.after(extras);
  void runs.refresh();

  const writeUrl = (): void => {
    const q = pageQuery(app.settings());
    history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}`);
  };
  const setting = (key: string, value: unknown): void => {
    if (key.startsWith('p.')) app.set('params', { ...app.settings().params, [key.slice(2)]: value });
    else app.set(key, value);
    writeUrl();
  };

  // ---- help dialog (both modes)
  const help = el('dialog', { id: 'kbd-help', className: 'kbd-help' });
  help.setAttribute('aria-labelledby', 'kbd-help-title');
  const keys: [string, string][] = [
    ['Tab / Shift+Tab', 'move between controls, answers and buttons'],
    ['Arrow keys', 'move the dial (α) and other sliders; choose an answer'],
    ['Space', 'pause or resume the views (on a button: press it)'],
    ['Enter', 'press the focused button'],
    ['Page Down / Page Up', 'next / previous step of the lesson'],
    ['?', 'this help'],
    ['Escape', 'close this help'],
  ];
  const dl = el('dl');
  for (const [k, v] of keys) dl.append(el('dt', {}, el('kbd', {}, k)), el('dd', {}, v));
  const close = el('button', { type: 'button', textContent: 'Close' });
  close.addEventListener('click', () => help.close());
  help.append(el('h2', { id: 'kbd-help-title' }, 'Keyboard'), dl, close);
  document.body.append(help);
  const openHelp = (): void => {
    if (!help.open) help.showModal();
    close.focus();
  };

  // ---- the classroom section
  const lesson: Lesson | undefined = classroom.lesson ? LESSONS.get(classroom.lesson) : undefined;
  const section = el('section', { id: 'classroom', className: 'classroom' });
  section.setAttribute('aria-label', lesson ? `Lesson: ${lesson.title}` : 'Classroom');
  const stepHost = el('article', { className: 'step', id: 'step' });
  const controlsHost = el('div', { className: 'class-controls', id: 'class-controls' });
  controlsHost.setAttribute('role', 'group');
  controlsHost.setAttribute('aria-label', 'Controls');
  let refreshControls = (): void => {};
  const nav = el('nav', { className: 'step-nav' });
  nav.setAttribute('aria-label', 'Lesson steps');
  const back = el('button', { type: 'button', id: 'step-back', textContent: '← Back' });
  const next = el('button', { type: 'button', id: 'step-next', textContent: 'Next →' });
  const where = el('span', { className: 'step-where', id: 'step-where' });
  nav.append(back, where, next);

  // Share: the link, a copy button, a QR code for the projector.
  const linkBox = el('input', { type: 'text', readOnly: true, id: 'share-link', className: 'share-link' });
  const linkLabel = el('label', { htmlFor: 'share-link', textContent: 'Link to this step' });
  const copy = el('button', { type: 'button', id: 'copy-link', textContent: 'Copy link' });
  const qrButton = el('button', { type: 'button', id: 'show-qr', textContent: 'QR code' });
  qrButton.setAttribute('aria-expanded', 'false');
  const qrBox = el('div', { className: 'qr', id: 'qr', hidden: true });
  const copied = el('span', { className: 'copied', id: 'copied' });
  copied.setAttribute('role', 'status');
  copy.addEventListener('click', () => {
    writeUrl();
    linkBox.value = location.href;
    const ok = (): void => void (copied.textContent = 'Link copied.');
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(location.href).then(ok, () => {
      linkBox.select();
      copied.textContent = 'Select the link above and copy it (the browser refused the clipboard).';
    });
    else {
      linkBox.select();
      copied.textContent = 'Select the link above and copy it.';
    }
  });
  qrButton.addEventListener('click', () => void toggleQr());
  // The QR encoder loads on first use: most visits never open it.
  const toggleQr = async (): Promise<void> => {
    writeUrl();
    const open = qrBox.hidden;
    qrBox.hidden = !open;
    qrButton.setAttribute('aria-expanded', String(open));
    if (!open) return;
    const { default: qrcode } = await import('qrcode-generator');
    const qr = qrcode(0, 'M');
    qr.addData(location.href);
    qr.make();
    qrBox.innerHTML = qr.createSvgTag({ cellSize: 5, margin: 2, scalable: true });
    const svg = qrBox.querySelector('svg');
    svg?.setAttribute('role', 'img');
    svg?.setAttribute('aria-label', 'QR code of the link to this step');
  };
  const helpButton = el('button', { type: 'button', id: 'help-button', textContent: 'Keyboard help (?)' });
  helpButton.addEventListener('click', openHelp);
  const share = el('div', { className: 'share' }, linkLabel, linkBox, copy, qrButton, helpButton, copied, qrBox);
  const pauseNote = el('p', { className: 'pause-note', id: 'pause-note' });
  pauseNote.setAttribute('role', 'status');

  const statusLine = (text: string): void => {
    const s = document.getElementById('class-status');
    if (s) s.textContent = text;
  };

  function renderStep(focus: boolean): void {
    if (!lesson) return;
    const i = classroom.step;
    const step = lesson.steps[i] as Step;
    const h = el('h3', { id: 'step-title', tabIndex: -1 }, `Step ${i + 1} of ${lesson.steps.length}: ${step.title}`);
    stepHost.replaceChildren(h, ...step.text.map((t) => el('p', {}, t)));
    if (step.predict) renderPredict(step);
    if (finished) stepHost.append(el('p', { className: 'done', id: 'lesson-done', tabIndex: -1 }, `End of “${lesson.title}”. Pick another lesson below, or go back through the steps.`));
    const hidden = new Set(classroom.hide);
    const locked = new Set([...step.lock, ...classroom.lock]);
    const visible = step.controls.filter((k) => !hidden.has(k));
    refreshControls = buildControls(controlsHost, app.settings, visible, locked, { set: setting });
    controlsHost.hidden = visible.length === 0;
    back.disabled = i === 0;
    next.textContent = i === lesson.steps.length - 1 ? 'Finish ✓' : 'Next →';
    where.textContent = `Step ${i + 1} of ${lesson.steps.length}`;
    linkBox.value = location.href;
    if (focus) h.focus();
  }

  function renderPredict(step: Step): void {
    const p = step.predict;
    if (!p || !lesson) return;
    const prior = [...predictions].reverse().find((x) => x.lesson === lesson?.id && x.step === step.id);
    const fs = el('fieldset', { className: 'predict', id: 'predict' });
    fs.append(el('legend', {}, `Predict: ${p.question}`));
    for (const c of p.choices) {
      const id = `choice-${c.id}`;
      const r = el('input', { type: 'radio', name: `predict-${step.id}`, value: c.id, id });
      if (prior?.choice === c.id) r.checked = true;
      if (prior) r.disabled = true;
      fs.append(el('div', { className: 'choice' }, r, el('label', { htmlFor: id }, c.text)));
    }
    const run = el('button', { type: 'button', id: 'run-reveal', className: 'primary', textContent: prior ? 'Run again with my prediction' : 'Run and reveal' });
    run.addEventListener('click', () => void runAndReveal(step));
    const status = el('p', { className: 'class-status', id: 'class-status' });
    status.setAttribute('role', 'status');
    const results = el('div', { className: 'live-results', id: 'live-results' });
    const rv = el('div', { className: 'reveal', id: 'reveal', hidden: true });
    stepHost.append(fs, run, status, results, rv);
    if (prior) {
      showLive(step, prior);
      if (prior.reveal) showReveal(step, prior, false);
      status.textContent = prior.done ? 'Prediction recorded and revealed.' : 'Prediction recorded; running…';
    }
  }

  const liveEvents = new Map<Prediction, ExperimentEvent[][]>();

  function showLive(step: Step, pr: Prediction): void {
    const host = document.getElementById('live-results');
    const p = step.predict;
    if (!host || !p) return;
    const evs = liveEvents.get(pr) ?? [];
    const table = el('table', { className: 'results-table' }, el('caption', {}, 'Results so far (last value of each curve)'));
    const cols = [...new Set(p.runs.flatMap((r) => SERIES[r.experiment]))].filter((s) => !s.startsWith('bitsPerFeedback') || p.runs.some((r) => r.experiment === 'train'));
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Run'));
    for (const c of cols) head.append(el('th', { scope: 'col' }, COLUMN_NAMES[c] ?? c.split('/')[1] ?? c));
    const body = el('tbody');
    p.runs.forEach((r, j) => {
      const tr = el('tr', {}, el('th', { scope: 'row' }, r.label ?? `run ${j + 1}`));
      for (const c of cols) {
        const ys = seriesValues(evs[j] ?? [], c);
        tr.append(el('td', {}, ys.length ? (ys.at(-1) as number).toFixed(3) : '…'));
      }
      body.append(tr);
    });
    table.append(el('thead', {}, head), body);
    host.replaceChildren(table);
  }

  function showReveal(step: Step, pr: Prediction, focus: boolean): void {
    const p = step.predict;
    const host = document.getElementById('reveal');
    if (!p || !host || !pr.reveal) return;
    const r = pr.reveal;
    const predicted = p.choices.find((c) => c.id === pr.choice);
    const expected = p.choices.find((c) => c.id === p.expected);
    const h = el('h4', { tabIndex: -1, id: 'reveal-title' }, 'What happened');
    const kids: Node[] = [
      h,
      el('p', { className: 'you' }, 'You predicted: ', el('strong', {}, predicted?.text ?? '—')),
      el('p', { className: 'happened' }, 'What happened: ', el('strong', {}, r.happened?.text ?? 'none of the choices'), r.value === null ? '' : ` (${p.observe.label}: ${r.value.toFixed(p.observe.digits)})`),
      el('p', { className: `verdict ${r.right ? 'right' : 'wrong'}`, id: 'verdict' }, r.right ? '✓ Your prediction matched.' : '✗ Not this time.'),
    ];
    if (!r.asExpected) kids.push(el('p', { className: 'note' }, `This run came out differently from what the lesson expected (“${expected?.text ?? p.expected}”). One run is one sample: try another seed and compare.`));
    kids.push(el('p', { className: 'explain' }, p.explain));
    host.replaceChildren(...kids);
    host.hidden = false;
    if (focus) h.focus();
  }

  async function runAndReveal(step: Step): Promise<void> {
    const p = step.predict;
    if (!p || !lesson) return;
    const checked = document.querySelector<HTMLInputElement>(`input[name="predict-${step.id}"]:checked`);
    if (!checked) {
      statusLine('Pick an answer first (arrow keys move between answers).');
      document.querySelector<HTMLInputElement>(`input[name="predict-${step.id}"]`)?.focus();
      return;
    }
    const pr: Prediction = { lesson: lesson.id, step: step.id, choice: checked.value, at: performance.now(), firstResultMs: null, runIds: [], reveal: null, done: false, error: null };
    predictions.push(pr);
    const evs: ExperimentEvent[][] = p.runs.map(() => []);
    liveEvents.set(pr, evs);
    document.querySelectorAll<HTMLInputElement>(`input[name="predict-${step.id}"]`).forEach((r) => (r.disabled = true));
    const button = document.getElementById('run-reveal') as HTMLButtonElement | null;
    if (button) button.disabled = true;
    const predicted = p.choices.find((c) => c.id === pr.choice);
    statusLine(`Prediction recorded: “${predicted?.text ?? pr.choice}”. Running ${p.runs.length} small run${p.runs.length > 1 ? 's' : ''}…`);
    const here = (): boolean => lesson?.steps[classroom.step]?.id === step.id;
    void runs.askPersist();
    // The class waits for this answer: the views' runs wait between batches until it is in
    // (on 2 cores they took most of the machine, and the first result 10–47 s).
    app.hold?.(true);
    try {
      for (const [j, spec] of p.runs.entries()) {
        const rr = resolveRun(lesson, classroom.step, spec, app.settings());
        if (!rr.ok) throw new Error(rr.reason);
        const name = `${lesson.title} — ${step.title}${spec.label ? ` (${spec.label})` : ''}`;
        const { id, done } = recorder.start(spec.experiment, rr.config, { name, lesson: lesson.id }, (e) => {
          (evs[j] as ExperimentEvent[]).push(e);
          if (e.type === 'point') {
            pr.firstResultMs ??= performance.now() - pr.at;
            if (here()) showLive(step, pr);
          }
          if (e.type === 'progress' && here()) statusLine(`Running ${spec.label ?? `run ${j + 1}`}: ${e.stage} (${e.done}/${e.total})…`);
        });
        pr.runIds.push(id);
        const d: RecordDone = await done;
        if (d.memoryOnly && d.text) runs.memoryRuns.set(id, { name, text: d.text });
      }
      pr.reveal = computeReveal(p, pr.choice, evs);
      pr.done = true;
      if (here()) {
        statusLine('Prediction recorded and revealed.');
        showLive(step, pr);
        showReveal(step, pr, true);
        if (button) {
          button.disabled = false;
          button.textContent = 'Run again with my prediction';
        }
      }
    } catch (err) {
      pr.error = err instanceof Error ? err.message : String(err);
      if (here()) statusLine(`The run failed: ${pr.error}`);
      if (button) button.disabled = false;
    } finally {
      if (!predictions.some((x) => !x.done && x.error === null)) app.hold?.(false);
    }
    void runs.refresh();
  }

  function goTo(i: number): void {
    if (!lesson) return;
    finished = false;
    classroom.step = Math.max(0, Math.min(lesson.steps.length - 1, i));
    // Every step stands alone: its settings over the lesson's, through the settings table.
    const target = stepSettings(lesson, classroom.step).settings;
    const now = app.settings();
    if (target.world !== now.world) app.set('world', target.world);
    for (const f of FIELDS) if (f.key !== 'world' && app.settings()[f.key] !== target[f.key]) app.set(f.key, target[f.key]);
    if (JSON.stringify(app.settings().params) !== JSON.stringify(target.params)) app.set('params', { ...target.params });
    writeUrl();
    renderStep(true);
  }

  back.addEventListener('click', () => goTo(classroom.step - 1));
  next.addEventListener('click', () => {
    if (!lesson) return;
    if (classroom.step < lesson.steps.length - 1) goTo(classroom.step + 1);
    else {
      finished = true;
      renderStep(false);
      document.getElementById('lesson-done')?.focus();
    }
  });

  if (mode) {
    document.body.classList.add('classroom-mode');
    const title = el('h2', { className: 'lesson-title', id: 'lesson-title' }, lesson ? `Lesson: ${lesson.title}` : 'Sandbox');
    const summary = el('p', { className: 'lesson-summary' }, lesson ? lesson.summary : 'The controls this link shows.');
    const body = el('div', { className: 'class-body' }, stepHost, controlsHost);
    section.append(title, summary, body);
    if (lesson) section.append(nav);
    section.append(pauseNote, share);
    document.querySelector('header')?.after(section);
    if (lesson) renderStep(false);
    else {
      // The sandbox: every control but the hidden ones.
      const hidden = new Set(classroom.hide);
      const keys = FIELDS.map((f) => f.key).filter((k) => !hidden.has(k) && k !== 'renderer');
      stepHost.hidden = true;
      refreshControls = buildControls(controlsHost, app.settings, keys, new Set(classroom.lock), { set: setting });
      linkBox.value = location.href;
    }
  }

  const setPaused = (paused: boolean): void => {
    viewsPaused = paused;
    pauseNote.textContent = paused ? `Views paused${reduceMotion ? ' (your system asks for reduced motion)' : ''}: press Space to play.` : '';
  };

  // Keyboard: buttons and selects keep Space (the app's page-wide Space would swallow it); '?' and paging are the classroom's.
  window.addEventListener(
    'keydown',
    (ev) => {
      const t = ev.target as HTMLElement | null;
      const typing = t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && (t.type === 'text' || t.type === 'file'));
      if (ev.key === ' ' && t && (t instanceof HTMLButtonElement || t instanceof HTMLSelectElement || t instanceof HTMLInputElement || t instanceof HTMLAnchorElement)) {
        ev.stopPropagation();
        return;
      }
      if (typing || help.open) return;
      if (ev.key === '?') {
        ev.preventDefault();
        openHelp();
      } else if (lesson && mode && ev.key === 'PageDown') {
        ev.preventDefault();
        next.click();
      } else if (lesson && mode && ev.key === 'PageUp') {
        ev.preventDefault();
        if (classroom.step > 0) goTo(classroom.step - 1);
      } else if (ev.key === ' ') setPaused(!viewsPaused);
    },
    { capture: true },
  );
  if (reduceMotion) {
    // Reduced motion: the views start paused (Space plays them). The app's own Space handler pauses
    // them once its views are up, so the pause is sent then.
    const started = performance.now();
    const timer = setInterval(() => {
      const up = app.state?.().renderer != null;
      if (!up && performance.now() - started < 60_000) return;
      clearInterval(timer);
      if (!up) return;
      document.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
      setPaused(true);
    }, 200);
  }

  // Usable = the step and its controls are in the DOM and painted: the frame after mounting, timed from navigation start.
  requestAnimationFrame(() => {
    readyMs = performance.now();
  });
  // A lesson with a question: start the record worker (its script, tfjs and WASM) as soon as the
  // step is on screen, so a student who answers at once does not wait for it.
  if (lesson?.steps.some((s) => s.predict)) requestAnimationFrame(() => setTimeout(() => recorder.warm(), 0));

  /** What the browser tests read (plain data only). */
  const api = {
    mode: () => mode,
    lessons: () => [...LESSONS.values()].map((l) => ({ id: l.id, title: l.title, steps: l.steps.length, predicts: l.steps.flatMap((s, i) => (s.predict ? [i] : [])) })),
    state: () => ({
      lesson: lesson?.id ?? null,
      step: classroom.step,
      finished,
      hide: [...classroom.hide],
      lock: [...classroom.lock],
      controls: Array.from(controlsHost.querySelectorAll<HTMLElement>('[data-control]'), (e) => e.dataset.control ?? ''),
      locked: Array.from(controlsHost.querySelectorAll<HTMLElement>('.locked'), (e) => e.dataset.control ?? ''),
      predictions: predictions.map((p) => ({ lesson: p.lesson, step: p.step, choice: p.choice, firstResultMs: p.firstResultMs, runIds: [...p.runIds], done: p.done, error: p.error, reveal: p.reveal ? { value: p.reveal.value, happened: p.reveal.happened?.id ?? null, right: p.reveal.right, asExpected: p.reveal.asExpected, sentence: p.reveal.sentence } : null })),
      readyMs,
      viewsPaused,
      storageAlert: storageBox.hidden ? null : storageBox.textContent,
      runsMessage: document.getElementById('runs-message')?.textContent ?? '',
    }),
    runs: async () => (await runs.storeP()).list(),
    runText: async (id: string) => (await runs.storeP()).text(id),
    /** Starts a saved run as a lesson would (tests of resume and export). */
    record: (experiment: string, config: Record<string, unknown>, name: string) => {
      const { id, done } = recorder.start(experiment, config, { name, lesson: null });
      void runs.askPersist();
      return new Promise<string>((resolve) => {
        void done.then((d) => {
          if (d.memoryOnly && d.text) runs.memoryRuns.set(id, { name, text: d.text });
          void runs.refresh();
        }, () => void runs.refresh());
        resolve(id);
      });
    },
    importText: (text: string, name?: string) => runs.importText(text, name),
    refreshRuns: () => runs.refresh(),
    refreshControls: () => refreshControls(),
  };
  (window as unknown as { mirageClass: typeof api }).mirageClass = api;
}
