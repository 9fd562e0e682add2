// The viewer page: open runs from a file picker or a drop, show up to two side by side, and keep
// the decision-map controls (slice, variant, position) shared between them.

import {
  dimensionNames,
  mapSlices,
  REPORT_CSS,
  slicePlane,
  sliceTitle,
} from '@quantproof/web-report';
import { RunFilesError } from './errors.js';
import { type LoadedRun, loadRun, type RunFile } from './load-run.js';
import {
  leafDetails,
  renderMap,
  renderRunColumn,
  resolveSlice,
  type ViewState,
} from './render-run.js';
import './viewer.css';

const MAX_RUNS = 2;

const style = document.createElement('style');
style.textContent = REPORT_CSS;
document.head.prepend(style);

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const runsElement = element<HTMLDivElement>('runs');
const controls = element<HTMLElement>('controls');
const sliceSelect = element<HTMLSelectElement>('slice');
const variantSelect = element<HTMLSelectElement>('variant');
const positionInput = element<HTMLInputElement>('slice-position');
const positionLabel = element<HTMLOutputElement>('slice-position-label');
const message = element<HTMLParagraphElement>('message');

const runs: LoadedRun[] = [];
let view: ViewState = { slice: '', position: 0, variant: '' };

function say(text: string, isError = false): void {
  message.textContent = text;
  message.classList.toggle('error', isError);
}

/** Fills the controls from the first run (its slices, variants and positions). */
function syncControls(): void {
  const first = runs[0];
  controls.hidden = first === undefined;
  for (const id of ['add-label', 'add-directory-label']) {
    element(id).setAttribute('aria-disabled', String(first === undefined));
  }
  if (first === undefined) return;
  const slices = mapSlices(first.run);
  const names = dimensionNames(first.run);
  sliceSelect.innerHTML = slices
    .map(
      (s) =>
        `<option value="${s.id}">${sliceTitle(names, slicePlane(s, 0)).replace(/ at .*/, '')}</option>`,
    )
    .join('');
  const variants = first.run.verify.variants.map((v) => v.variant);
  variantSelect.innerHTML = variants.map((v) => `<option value="${v}">${v}</option>`).join('');
  if (!slices.some((s) => s.id === view.slice))
    view = { ...view, slice: slices[0]?.id ?? '', position: 0 };
  if (!variants.includes(view.variant)) view = { ...view, variant: variants[0] ?? '' };
  sliceSelect.value = view.slice;
  variantSelect.value = view.variant;
  syncPosition();
}

function syncPosition(): void {
  const first = runs[0];
  if (first === undefined) return;
  const slices = mapSlices(first.run);
  const { index, position } = resolveSlice(first.run, view);
  const slice = slices[index];
  if (slice === undefined) return;
  positionInput.max = String(slice.positions.length - 1);
  positionInput.value = String(position);
  positionInput.disabled = slice.positions.length < 2;
  const plane = slicePlane(slice, position);
  positionLabel.textContent = sliceTitle(dimensionNames(first.run), plane).replace(/.* at /, 'at ');
}

function render(): void {
  runsElement.innerHTML = runs.map((r, i) => renderRunColumn(r, i, view)).join('');
}

function renderMaps(): void {
  runs.forEach((r, i) => {
    const slot = runsElement.querySelector(`[data-run="${i}"] .map-slot`);
    if (slot !== null) slot.innerHTML = renderMap(r.run, i, view);
    const details = runsElement.querySelector(`[data-run="${i}"] .leaf-details`);
    if (details !== null)
      details.innerHTML =
        '<p class="muted">Hover a leaf to see its status, box and counterexamples.</p>';
  });
}

function fileOf(file: File): RunFile {
  return { name: file.name, relativePath: file.webkitRelativePath, text: () => file.text() };
}

/** Loads a run from picked or dropped files: replaces everything, or adds a column. */
async function open(files: readonly RunFile[], mode: 'replace' | 'add'): Promise<void> {
  try {
    const loaded = await loadRun(files);
    if (mode === 'replace' || runs.length === 0) runs.splice(0, runs.length, loaded);
    else if (runs.length < MAX_RUNS) runs.push(loaded);
    else runs.splice(MAX_RUNS - 1, 1, loaded);
    say(`Opened ${loaded.name}${runs.length > 1 ? ` beside ${runs[0]!.name}` : ''}.`);
    syncControls();
    render();
  } catch (error) {
    if (error instanceof RunFilesError) say(error.message, true);
    else say(`Could not open the run: ${String(error)}`, true);
  }
}

for (const [id, mode] of [
  ['open-directory', 'replace'],
  ['open-files', 'replace'],
  ['add-files', 'add'],
  ['add-directory', 'add'],
] as const) {
  const input = element<HTMLInputElement>(id);
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])].map(fileOf);
    input.value = '';
    if (files.length > 0) void open(files, mode);
  });
}

sliceSelect.addEventListener('change', () => {
  view = { ...view, slice: sliceSelect.value, position: 0 };
  syncPosition();
  renderMaps();
});
variantSelect.addEventListener('change', () => {
  view = { ...view, variant: variantSelect.value };
  renderMaps();
});
positionInput.addEventListener('input', () => {
  view = { ...view, position: Number(positionInput.value) };
  syncPosition();
  renderMaps();
});

runsElement.addEventListener('mouseover', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-leaf]') : null;
  const column = target?.closest<HTMLElement>('[data-run]');
  if (target === null || target === undefined || column === null || column === undefined) return;
  const loaded = runs[Number(column.dataset['run'])];
  if (loaded === undefined) return;
  column.querySelector('[data-leaf].selected')?.classList.remove('selected');
  target.classList.add('selected');
  const details = column.querySelector('.leaf-details');
  if (details !== null)
    details.innerHTML = leafDetails(
      loaded.run,
      view.variant,
      Number(target.getAttribute('data-leaf')),
    );
});

runsElement.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-close]') : null;
  if (button === null) return;
  runs.splice(Number(button.getAttribute('data-close')), 1);
  syncControls();
  render();
});

/** Every file under a dropped entry (directories read recursively), with its relative path. */
async function entryFiles(entry: FileSystemEntry, prefix = ''): Promise<RunFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    return [{ name: file.name, relativePath: prefix + entry.name, text: () => file.text() }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const entries: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    entries.push(...batch);
  }
  const nested = await Promise.all(entries.map((e) => entryFiles(e, `${prefix}${entry.name}/`)));
  return nested.flat();
}

document.addEventListener('dragover', (event) => {
  event.preventDefault();
  document.body.classList.add('dragging');
});
document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
document.addEventListener('drop', (event) => {
  event.preventDefault();
  document.body.classList.remove('dragging');
  const items = [...(event.dataTransfer?.items ?? [])];
  const entries = items
    .map((i) => i.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  void Promise.all(entries.map((e) => entryFiles(e)))
    .then((files) => open(files.flat(), runs.length === 0 ? 'replace' : 'add'))
    .catch((error: unknown) => say(`Could not read the dropped files: ${String(error)}`, true));
});

syncControls();
