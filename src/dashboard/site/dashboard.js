// The perfgate dashboard page: draws the data of data.js (built by src/dashboard/data.ts) with
// uPlot. Names in the data come from results files: they are only ever set as text
// (textContent, text nodes, attribute values), never parsed as HTML.
(() => {
  'use strict';
  const data = globalThis.PERFGATE_DASHBOARD;
  const uPlot = globalThis.uPlot;
  const CHART_HEIGHT = 220;
  const KIND_LABEL = {
    regression: 'regression',
    improvement: 'improvement',
    within: 'within threshold',
  };
  const SHA = /^[0-9a-f]{7,64}$/i;

  /** An element with properties and children; strings become text nodes. */
  function el(tag, props, ...children) {
    const element = document.createElement(tag);
    Object.assign(element, props);
    element.append(...children.filter((c) => c !== null && c !== undefined));
    return element;
  }

  function link(href, text) {
    return el('a', { href, rel: 'noopener', target: '_blank' }, text);
  }

  const short = (commit) => (commit ? commit.slice(0, 7) : 'no commit');
  const dateText = (seconds) =>
    new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const number = (value) => value.toLocaleString('en-US', { maximumSignificantDigits: 4 });
  const valueText = (value, unit) => (unit ? `${number(value)} ${unit}` : number(value));

  /** Links exist only for commits that look like commits, in a repository we were told of. */
  function commitUrl(commit) {
    return data.repoUrl && commit && SHA.test(commit) ? `${data.repoUrl}/commit/${commit}` : null;
  }
  function pullUrl(pr) {
    return data.repoUrl && Number.isInteger(pr) ? `${data.repoUrl}/pull/${pr}` : null;
  }
  function compareUrl(good, bad) {
    return data.repoUrl && good && bad && SHA.test(good) && SHA.test(bad)
      ? `${data.repoUrl}/compare/${good}...${bad}`
      : null;
  }

  function theme() {
    const style = getComputedStyle(document.documentElement);
    const read = (name) => style.getPropertyValue(name).trim();
    return {
      fg: read('--fg'),
      accent: read('--accent'),
      band: read('--band'),
      grid: read('--grid'),
      regression: read('--regression'),
      improvement: read('--improvement'),
      within: read('--within'),
    };
  }

  /** What one run of a series was: shown on hover, pinned with links on click (or tap). */
  function pointInfo(series, index) {
    const run = series.run[index];
    const commit = data.runs.commit[run];
    const pr = data.runs.pr[run];
    const parts = [
      short(commit),
      dateText(data.runs.time[run]),
      `median ${valueText(series.median[index], series.unit)}`,
      `IQR ${number(series.q1[index])}–${number(series.q3[index])}`,
      data.environments[data.runs.env[run]],
    ];
    if (pr !== null) parts.splice(1, 0, `PR #${pr}`);
    return { text: parts.join(' · '), commit, pr };
  }

  function changePointList(series) {
    if (series.changePoints.length === 0) return null;
    const items = series.changePoints.map((cp) => {
      const good = data.runs.commit[series.run[cp.at - 1]];
      const bad = data.runs.commit[series.run[cp.at]];
      const range = `${short(good)}…${short(bad)}`;
      const url = compareUrl(good, bad);
      return el(
        'li',
        { className: cp.kind },
        `${cp.change} (${KIND_LABEL[cp.kind]}): ${valueText(cp.before, series.unit)} → ${valueText(cp.after, series.unit)}, between `,
        url ? link(url, range) : range,
        ` (${dateText(data.runs.time[series.run[cp.at]])}, p = ${cp.p.toFixed(3)})`,
      );
    });
    return el('ul', { className: 'change-points' }, ...items);
  }

  /** Where the config changed: change points are searched on either side, never across. */
  function configChangeNote(series) {
    if (series.configChanges.length === 0) return null;
    const where = series.configChanges.map((at) => {
      const run = series.run[at];
      return `${short(data.runs.commit[run])} (${dateText(data.runs.time[run])})`;
    });
    return el(
      'p',
      { className: 'config-changes' },
      `The config changed at ${where.join(', ')} (grey lines)` +
        (series.informational ? '.' : ': each stretch is searched for change points on its own.'),
    );
  }

  /** Change points as vertical lines at the first run after each change; a target as a level line. */
  function changePointPlugin(series, colors) {
    return {
      hooks: {
        draw: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            ctx.lineWidth = 2 * devicePixelRatio;
            ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
            const line = (at) => {
              const x = Math.round(u.valToPos(u.data[0][at], 'x', true));
              ctx.beginPath();
              ctx.moveTo(x, bbox.top);
              ctx.lineTo(x, bbox.top + bbox.height);
              ctx.stroke();
            };
            for (const cp of series.changePoints) {
              ctx.strokeStyle = colors[cp.kind];
              line(cp.at);
            }
            // Config changes: thin, solid and faint, so as not to read as a change point.
            ctx.setLineDash([]);
            ctx.lineWidth = devicePixelRatio;
            ctx.strokeStyle = colors.fg;
            ctx.globalAlpha = 0.45;
            for (const at of series.configChanges) line(at);
            if (series.target !== undefined) {
              // On a pixel's centre, so that a one-pixel line is one row, not two half-tones.
              const y = Math.round(u.valToPos(series.target, 'y', true)) + 0.5;
              ctx.setLineDash([3 * devicePixelRatio, 3 * devicePixelRatio]);
              ctx.globalAlpha = 0.8;
              ctx.beginPath();
              ctx.moveTo(bbox.left, y);
              ctx.lineTo(bbox.left + bbox.width, y);
              ctx.stroke();
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  function chartOptions(series, width, colors, info) {
    const unit = series.unit;
    const legend = (_u, v) => (v === null ? '–' : number(v));
    return {
      width,
      height: CHART_HEIGHT,
      plugins: [changePointPlugin(series, colors)],
      cursor: { drag: { x: true, y: false }, points: { size: 7 } },
      scales: {
        x: { time: true },
        // A target is always in view: how far the line runs from it is what the chart shows.
        ...(series.target === undefined
          ? {}
          : {
              y: {
                range: (_u, min, max) =>
                  uPlot.rangeNum(
                    Math.min(min ?? series.target, series.target),
                    Math.max(max ?? series.target, series.target),
                    0.1,
                    true,
                  ),
              },
            }),
      },
      axes: [
        { stroke: colors.fg, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid } },
        {
          stroke: colors.fg,
          grid: { stroke: colors.grid },
          ticks: { stroke: colors.grid },
          size: 60,
          values: (_u, ticks) => ticks.map(number),
          label: unit,
        },
      ],
      series: [
        { label: 'run', value: (_u, v) => (v === null ? '–' : dateText(v)) },
        { label: 'q1', stroke: colors.band, width: 1, points: { show: false }, value: legend },
        { label: 'q3', stroke: colors.band, width: 1, points: { show: false }, value: legend },
        {
          label: 'median',
          stroke: colors.accent,
          width: 2,
          points: { show: series.median.length <= 60 },
          value: (_u, v) => (v === null ? '–' : valueText(v, unit)),
        },
      ],
      bands: [{ series: [2, 1], fill: colors.band }],
      hooks: {
        setCursor: [
          (u) => {
            if (u.cursor.idx === null || u.cursor.idx === undefined) return;
            info.hover(u.cursor.idx);
          },
        ],
      },
    };
  }

  const charts = [];

  const targetText = (series) => `target ${valueText(series.target, series.unit)}`;

  /** The card's heading: the metric, and what it is judged by when that is not its direction. */
  function heading(series) {
    const role = series.informational
      ? '(context)'
      : series.target !== undefined
        ? `(${targetText(series)}: closer is better)`
        : null;
    if (role === null) return el('h3', {}, series.metric);
    return el('h3', {}, series.metric, ' ', el('span', { className: 'role' }, role));
  }

  /** Context metrics describe the runs, not the code: why nothing on their chart is judged. */
  function contextNote(series) {
    if (!series.informational) return null;
    return el(
      'p',
      { className: 'hint' },
      'Context: the conditions of each run (other load on the machine, GPU utilization, power, ' +
        'clocks), to explain a noisy stretch of the other charts; never judged, so no change ' +
        'points are searched.',
    );
  }

  function metricCard(series, colors) {
    const chart = el('div', { className: 'chart' });
    const point = el('p', { className: 'point' }, 'Hover for a run; click to open its commit.');
    const card = el(
      'article',
      { className: 'metric' },
      heading(series),
      chart,
      point,
      contextNote(series),
      changePointList(series),
      configChangeNote(series),
    );
    card.dataset.key = series.key;
    card.dataset.changePoints = String(series.changePoints.length);
    card.dataset.configChanges = String(series.configChanges.length);
    card.dataset.search = `${series.suite} ${series.metric}`.toLowerCase();
    let pinned = null;
    const show = (index) => {
      const { text, commit, pr } = pointInfo(series, index);
      const links = [commitUrl(commit), pullUrl(pr)];
      point.replaceChildren(text);
      if (index === pinned && links[0]) point.append(' · ', link(links[0], 'commit'));
      if (index === pinned && links[1]) point.append(' · ', link(links[1], `pull request #${pr}`));
    };
    const info = { hover: (index) => pinned === null && show(index) };
    const x = series.run.map((run) => data.runs.time[run]);
    charts.push(() => {
      const plot = new uPlot(
        chartOptions(series, chart.clientWidth || 400, colors, info),
        [x, series.q1, series.q3, series.median],
        chart,
      );
      plot.over.addEventListener('click', () => {
        const index = plot.cursor.idx;
        if (index === null || index === undefined) return;
        pinned = index;
        show(index);
        const url = commitUrl(data.runs.commit[series.run[index]]);
        if (url) window.open(url, '_blank', 'noopener');
      });
      plot.over.addEventListener('mouseleave', () => (pinned = null));
      // Phones turn, windows resize: the chart follows its card's width.
      const resize = new ResizeObserver(() => {
        if (chart.clientWidth > 0 && chart.clientWidth !== plot.width) {
          plot.setSize({ width: chart.clientWidth, height: CHART_HEIGHT });
        }
      });
      resize.observe(chart);
      return () => {
        resize.disconnect();
        plot.destroy();
      };
    });
    return card;
  }

  /** What a row's reference is: `geometric mean of the 20 runs before`, `the run before`. */
  const referenceText = (latest) =>
    latest.runs === 1 ? 'the run before' : `${latest.basis} of the ${latest.runs} runs before`;

  function latestTable(list) {
    const judged = list.filter((s) => s.latest);
    if (judged.length === 0) return null;
    // One reference for every row (the usual case) is named once, in its column's heading; else
    // each cell names its own, so that no value is read against the wrong runs.
    const references = new Set(judged.map((s) => referenceText(s.latest)));
    const shared = references.size === 1 ? [...references][0] : null;
    const rows = judged.map((s) => {
      const row = el(
        'tr',
        { className: s.latest.verdict },
        el(
          'td',
          {},
          `${s.suite} ${s.metric}` + (s.target === undefined ? '' : ` (${targetText(s)})`),
        ),
        el(
          'td',
          {},
          shared === null
            ? `${s.latest.reference} (${referenceText(s.latest)})`
            : s.latest.reference,
        ),
        el('td', {}, s.latest.latest),
        el('td', {}, s.latest.change),
        el('td', {}, s.latest.label),
      );
      row.dataset.search = `${s.suite} ${s.metric}`.toLowerCase();
      return row;
    });
    const head = ['metric', shared ?? 'the runs before', 'latest run', 'change', 'verdict'].map(
      (h) => el('th', {}, h),
    );
    return el(
      'section',
      { id: 'latest' },
      el('h2', {}, 'Latest run against the runs before it'),
      el(
        'p',
        { className: 'hint' },
        'The latest run against up to 20 runs before it on this environment and config, each run ' +
          'counted once by its median, as the history check of the PR comment judges a run: the ' +
          'change is from the geometric mean of those medians (their mean where one is 0 or less) ' +
          'to the latest median; ~ = no significant difference.',
      ),
      el(
        'div',
        { className: 'table-wrap' },
        el('table', {}, el('thead', {}, el('tr', {}, ...head)), el('tbody', {}, ...rows)),
      ),
    );
  }

  function bySuite(list) {
    const groups = new Map();
    for (const s of list) {
      if (!groups.has(s.suite)) groups.set(s.suite, []);
      groups.get(s.suite).push(s);
    }
    return groups;
  }

  /** How to take down the charts on the page, before drawing others. */
  let destroyers = [];

  function render() {
    for (const destroy of destroyers) destroy();
    charts.length = 0;
    const env = Number(document.getElementById('environment').value || 0);
    const list = data.series.filter((s) => s.env === env);
    const colors = theme();
    const sections = [...bySuite(list)].map(([suite, members]) => {
      const section = el(
        'section',
        { className: 'suite' },
        el('h2', {}, suite),
        el('div', { className: 'charts' }, ...members.map((s) => metricCard(s, colors))),
      );
      section.dataset.suite = suite;
      return section;
    });
    const app = document.getElementById('app');
    app.replaceChildren(...[notes(), latestTable(list), ...sections].filter(Boolean));
    destroyers = charts.map((create) => create());
    applyFilter();
  }

  function notes() {
    if (data.notes.length === 0) return null;
    return el(
      'section',
      { className: 'notes', id: 'notes' },
      el('h2', {}, 'Notes'),
      el('ul', {}, ...data.notes.map((note) => el('li', {}, note))),
    );
  }

  function applyFilter() {
    const words = document
      .getElementById('filter')
      .value.toLowerCase()
      .split(/\s+/)
      .filter(Boolean);
    const matches = (node) => words.every((w) => node.dataset.search.includes(w));
    for (const node of document.querySelectorAll('[data-search]')) node.hidden = !matches(node);
    for (const section of document.querySelectorAll('section.suite')) {
      section.hidden = !section.querySelector('.metric:not([hidden])');
    }
  }

  function empty() {
    const recordCommand = 'perfgate record --config perfgate.yml --store DIR';
    document.querySelector('.controls').hidden = true;
    document
      .getElementById('app')
      .replaceChildren(
        notes() ?? '',
        el(
          'section',
          { className: 'empty', id: 'empty' },
          el('h2', {}, `No runs recorded for ${data.branch} yet`),
          el(
            'p',
            {},
            'Record one with ',
            el('code', {}, recordCommand),
            ', or let the perfgate action record on pushes to the default branch (',
            el('code', {}, 'mode: record'),
            ') or nightly (',
            el('code', {}, 'mode: nightly'),
            '); then build this page again with ',
            el('code', {}, 'perfgate dashboard'),
            '.',
          ),
        ),
      );
  }

  function start() {
    const runs = data.runs.time.length;
    document.title = `perfgate · ${data.branch}`;
    document.getElementById('title').textContent = `perfgate · ${data.branch}`;
    document.getElementById('summary').textContent =
      `${runs} run${runs === 1 ? '' : 's'}, ${data.environments.length} environment` +
      `${data.environments.length === 1 ? '' : 's'}; built ${data.generatedAt}`;
    if (runs === 0) {
      empty();
    } else {
      const select = document.getElementById('environment');
      select.replaceChildren(
        ...data.environments.map((label, i) => el('option', { value: String(i) }, label)),
      );
      select.addEventListener('change', render);
      document.getElementById('filter').addEventListener('input', applyFilter);
      // A change of theme recolours the charts, which read the theme's variables when drawn.
      matchMedia('(prefers-color-scheme: dark)').addEventListener('change', render);
      render();
    }
    document.documentElement.dataset.ready = 'true';
    performance.mark('perfgate:ready');
  }

  start();
})();
