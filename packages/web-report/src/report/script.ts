// The report's only script: an instant tooltip for chart elements that carry an SVG <title>.
// Without JavaScript the browser shows the same <title> text natively.

/** Inline JavaScript of the report (progressive enhancement; the page reads fully without it). */
export const REPORT_SCRIPT: string = `(() => {
  const tip = document.getElementById('tooltip');
  if (!tip) return;
  document.addEventListener('mouseover', (event) => {
    const target = event.target instanceof Element ? event.target.closest('[data-tip]') : null;
    if (!target) { tip.style.display = 'none'; return; }
    tip.textContent = target.getAttribute('data-tip');
    tip.style.display = 'block';
  });
  document.addEventListener('mousemove', (event) => {
    tip.style.left = Math.min(event.clientX + 12, window.innerWidth - tip.offsetWidth - 4) + 'px';
    tip.style.top = (event.clientY + 14) + 'px';
  });
  // Move <title> text into data-tip so the native tooltip does not show twice.
  for (const title of document.querySelectorAll('svg.chart :not(svg) > title')) {
    const parent = title.parentElement;
    if (parent) { parent.setAttribute('data-tip', title.textContent || ''); title.remove(); }
  }
})();`;
