/**
 * The report as self-contained HTML: one page per account and an index over accounts. ECharts is
 * inlined into every page (about 1 MB), so a page opens from disk or a mail attachment with no
 * network; chart options are built here as plain JSON and the page only hands them to ECharts.
 * Every chart element gets data-rendered="true" once ECharts has drawn it (the browser test waits
 * for that). Everything from the DB or the hook library is HTML-escaped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AccountReport } from './data';

let echartsSource: string | undefined;
/** ECharts' minified browser build, read once per process. */
function echarts(): string {
  echartsSource ??= readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
  return echartsSource;
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const usd = (cents: number | null | undefined) => (cents == null ? '–' : `$${(cents / 100).toFixed(2)}`);
const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)} %`;
const round = (x: number, digits = 4) => Number(x.toFixed(digits));
/** JSON safe inside a <script> element (no "</script>" or "<!--" can end it early). */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

type ChartSpec = { id: string; title: string; option: Record<string, unknown>; height?: number };

const grid = { left: 60, right: 30, top: 50, bottom: 60 };
const emptyNote = (show: boolean, text: string) =>
  show ? { graphic: [{ type: 'text', left: 'center', top: 'middle', style: { text, fontSize: 14, fill: '#888' } }] } : {};

/** CTR per hook over time: the posterior mean as a line inside its 90 % credible band (stacked lower + width). */
function ctrChart(r: AccountReport): ChartSpec {
  const series = r.ctr.flatMap((h) => {
    const at = new Map(h.points.map((p) => [p.date, p]));
    const pick = (f: (p: (typeof h.points)[number]) => number) => r.days.map((d) => (at.has(d) ? round(f(at.get(d)!) * 100) : null));
    return [
      { name: h.hookId, type: 'line', stack: `band-${h.hookId}`, data: pick((p) => p.lower), lineStyle: { opacity: 0 }, symbol: 'none', silent: true },
      {
        name: h.hookId,
        type: 'line',
        stack: `band-${h.hookId}`,
        data: pick((p) => p.upper - p.lower),
        lineStyle: { opacity: 0 },
        areaStyle: { opacity: 0.18 },
        symbol: 'none',
        silent: true,
      },
      { name: h.hookId, type: 'line', data: pick((p) => p.mean), symbolSize: 5, z: 3 },
    ];
  });
  // The tooltip reads the intervals from here (a stacked band's own value is its width, not its top).
  const intervals = Object.fromEntries(
    r.ctr.map((h) => [h.hookId, Object.fromEntries(h.points.map((p) => [p.date, [p.mean, p.lower, p.upper, p.impressions, p.linkClicks]]))]),
  );
  return {
    id: 'ctr',
    title: 'Link CTR per hook: posterior mean and 90 % credible interval, on all evidence up to each day',
    option: {
      grid,
      legend: { type: 'scroll', top: 22 },
      tooltip: { trigger: 'axis', ctrIntervals: intervals },
      xAxis: { type: 'category', data: r.days, boundaryGap: false },
      yAxis: { type: 'value', name: 'CTR %', min: 0 },
      series,
      ...emptyNote(!r.ctr.length, 'No impressions yet'),
    },
  };
}

function moneyChart(r: AccountReport): ChartSpec {
  const cap = r.account.capCents / 100;
  return {
    id: 'money',
    title: 'Spend per day: media (Meta) and generation (Kie) against the daily cap',
    option: {
      grid,
      legend: { top: 22 },
      tooltip: { trigger: 'axis', valueFormatter: 'usd' },
      xAxis: { type: 'category', data: r.days },
      yAxis: { type: 'value', name: 'USD', min: 0, max: Math.ceil(Math.max(cap * 1.1, ...r.money.map((m) => (m.mediaCents + m.kieCents) / 100))) },
      series: [
        {
          name: 'Meta media spend',
          type: 'bar',
          stack: 'spend',
          data: r.money.map((m) => m.mediaCents / 100),
          markLine: {
            symbol: 'none',
            lineStyle: { color: '#d33', type: 'dashed' },
            label: { formatter: `cap $${cap.toFixed(2)}`, position: 'insideEndTop' },
            data: [{ yAxis: cap }],
          },
        },
        { name: 'Kie generation', type: 'bar', stack: 'spend', data: r.money.map((m) => m.kieCents / 100) },
      ],
    },
  };
}

function adsChart(r: AccountReport): ChartSpec {
  return {
    id: 'ads',
    title: `Ads live and paused at each day's end (live-ad cap ${r.account.maxLiveAds})`,
    option: {
      grid,
      legend: { top: 22 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: r.days },
      yAxis: { type: 'value', name: 'ads', minInterval: 1 },
      series: [
        { name: 'live', type: 'bar', stack: 'ads', data: r.ads.map((a) => a.live), itemStyle: { color: '#2a9d55' } },
        { name: 'paused', type: 'bar', stack: 'ads', data: r.ads.map((a) => a.paused), itemStyle: { color: '#aaa' } },
        {
          name: 'live-ad cap',
          type: 'line',
          data: r.ads.map(() => r.account.maxLiveAds),
          symbol: 'none',
          lineStyle: { type: 'dashed', color: '#d33' },
        },
      ],
    },
  };
}

function leaderboardChart(r: AccountReport): ChartSpec {
  const rows = [...r.leaderboard].reverse();
  return {
    id: 'leaderboard',
    title: 'Hook leaderboard: probability of being the best hook (judged hooks), and posterior CTR',
    height: Math.max(260, 40 + rows.length * 34),
    option: {
      grid: { left: 170, right: 40, top: 50, bottom: 40 },
      legend: { top: 22 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: [
        { type: 'value', name: 'P(best)', min: 0, max: 1 },
        { type: 'value', name: 'CTR %', min: 0, position: 'top', show: false },
      ],
      yAxis: { type: 'category', data: rows.map((h) => h.hookId) },
      series: [
        { name: 'P(best)', type: 'bar', data: rows.map((h) => round(h.pBest)), label: { show: true, position: 'right', formatter: '{c}' } },
        { name: 'posterior mean CTR %', type: 'scatter', xAxisIndex: 1, data: rows.map((h) => round(h.mean * 100)), symbolSize: 9 },
      ],
      ...emptyNote(!rows.length, 'No hook has been launched yet'),
    },
  };
}

function wastedChart(r: AccountReport): ChartSpec {
  const rows = r.wasted.creatives.slice(0, 25);
  return {
    id: 'wasted',
    title: `Wasted spend: what creatives later paused as losers spent (total ${usd(r.wasted.totalCents)})`,
    option: {
      grid: { ...grid, bottom: 90 },
      tooltip: { trigger: 'axis', valueFormatter: 'usd' },
      xAxis: {
        type: 'category',
        data: rows.map((w) => `${w.hookId} · ${w.creativeId.split(':').at(-1)}`),
        axisLabel: { interval: 0, rotate: rows.length > 4 ? 30 : 0 },
      },
      yAxis: { type: 'value', name: 'USD', min: 0 },
      series: [{ name: 'spent before the pause', type: 'bar', data: rows.map((w) => w.spendCents / 100), itemStyle: { color: '#c0504d' } }],
      ...emptyNote(!rows.length, 'Nothing paused as a loser yet'),
    },
  };
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#222}
header{background:#1f2937;color:#fff;padding:16px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#cbd5e1}
main{padding:20px 28px;max-width:1400px}a{color:#2563eb}
.kpis{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}.kpi{background:#fff;border-radius:8px;padding:10px 16px;box-shadow:0 1px 2px #0001;min-width:150px}
.kpi b{display:block;font-size:20px}.kpi span{color:#666;font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
section{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0001;margin-bottom:16px}
section h2{font-size:15px;margin:0 0 8px}.chart{width:100%;height:320px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f1f3f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
`;

/** Hands every chart spec to ECharts, marks it rendered, and adds the formatters JSON cannot carry. */
const BOOT = `
(function(){
  var specs = JSON.parse(document.getElementById('charts').textContent);
  var usd = function(v){ return v == null ? '–' : '$' + Number(v).toFixed(2); };
  specs.forEach(function(s){
    var el = document.getElementById('chart-' + s.id);
    var o = s.option;
    if (o.tooltip && o.tooltip.valueFormatter === 'usd') o.tooltip.valueFormatter = usd;
    if (o.tooltip && o.tooltip.ctrIntervals) {
      var iv = o.tooltip.ctrIntervals; delete o.tooltip.ctrIntervals;
      o.tooltip.formatter = function(ps){
        var date = ps.length ? ps[0].axisValue : '', seen = {}, lines = [date];
        ps.forEach(function(p){
          var x = iv[p.seriesName] && iv[p.seriesName][date];
          if (!x || seen[p.seriesName]) return; seen[p.seriesName] = 1;
          lines.push(p.marker + p.seriesName + ': ' + (x[0]*100).toFixed(2) + ' % [' + (x[1]*100).toFixed(2) + '–' + (x[2]*100).toFixed(2) + '] on ' + x[3] + ' impr., ' + x[4] + ' clicks');
        });
        return lines.join('<br>');
      };
    }
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.on('finished', function(){ el.setAttribute('data-rendered', 'true'); });
    chart.setOption(o);
    window.addEventListener('resize', function(){ chart.resize(); });
  });
})();
`;

function page(title: string, subtitle: string, body: string, charts: ChartSpec[]): string {
  const sections = charts
    .map(
      (c) => `<section><h2>${esc(c.title)}</h2><div class="chart" id="chart-${c.id}" data-chart="${c.id}" style="height:${c.height ?? 320}px"></div></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><header><h1>${esc(title)}</h1><p>${esc(subtitle)}</p></header>
<main>${body.replace('<!--charts-->', `<div class="grid">${sections}</div>`)}</main>
<script>${echarts()}</script>
<script type="application/json" id="charts">${scriptJson(charts.map((c) => ({ id: c.id, option: c.option })))}</script>
<script>${BOOT}</script>
</body></html>
`;
}

const kpi = (value: string, label: string) => `<div class="kpi"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;

function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr || `<tr><td colspan="${head.length}">none yet</td></tr>`}</tbody></table>`;
}

/** One account's page. */
export function accountPage(r: AccountReport, links: { index?: string } = {}): string {
  const best = r.leaderboard.find((h) => h.pBest > 0);
  const kpis = [
    kpi(`${usd(r.today.mediaCents + r.today.kieCents)} / ${usd(r.account.capCents)}`, "today's spend (media + Kie) / daily cap"),
    kpi(usd(r.today.kieCents), 'Kie generation today'),
    kpi(`${r.today.live} / ${r.account.maxLiveAds}`, 'live ads / cap'),
    kpi(usd(r.wasted.totalCents), 'spent by creatives paused as losers'),
    kpi(best ? `${best.hookId} (${pct(best.pBest, 0)})` : '–', 'best hook, P(best)'),
  ].join('');
  const leaderboard = table(
    ['hook', 'headline', 'P(best)', 'CTR mean', '90 % interval', 'impressions', 'link clicks', 'spend', 'CPC', 'creatives (live)'],
    r.leaderboard.map((h) => [
      esc(h.hookId),
      esc(h.headline),
      h.pBest.toFixed(3),
      pct(h.mean),
      `${pct(h.lower)} – ${pct(h.upper)}`,
      String(h.impressions),
      String(h.linkClicks),
      usd(h.spendCents),
      usd(h.cpcCents),
      `${h.creatives} (${h.liveCreatives})`,
    ]),
    [2, 3, 5, 6, 7, 8],
  );
  const decisions = table(
    ['when', 'decision', 'hook', 'creative', 'probability', 'reason'],
    r.decisions.map((d) => [
      esc(d.at.replace('T', ' ').slice(0, 19)),
      esc(d.kind),
      esc(d.hookId ?? ''),
      esc(d.creativeId ?? ''),
      d.probability == null ? '' : d.probability.toFixed(3),
      esc(d.reason),
    ]),
    [4],
  );
  const wasted = table(
    ['creative', 'hook', 'spent', 'paused at', 'why'],
    r.wasted.creatives.map((w) => [esc(w.creativeId), esc(w.hookId), usd(w.spendCents), esc(w.pausedAt?.slice(0, 16) ?? ''), esc(w.reason)]),
    [2],
  );
  const statuses = Object.entries(r.statuses)
    .map(([s, n]) => `${esc(s)}: ${n}`)
    .join(' · ');
  const body = `${links.index ? `<p><a href="${esc(links.index)}">← all accounts</a></p>` : ''}
<div class="kpis">${kpis}</div>
<!--charts-->
<section><h2>Hook leaderboard</h2>${leaderboard}</section>
<section><h2>Latest decisions (newest first)</h2>${decisions}</section>
<section><h2>Creatives paused as losers</h2>${wasted}</section>
<p>Creatives by status: ${statuses || 'none yet'}. Policy: ${esc(r.account.policy)}. Objective: ${esc(r.account.objective)}.</p>`;
  return page(`${r.account.name} (${r.account.id})`, `Meta Ads Master Agent report, generated ${r.generatedAt}`, body, [
    ctrChart(r),
    moneyChart(r),
    adsChart(r),
    leaderboardChart(r),
    wastedChart(r),
  ]);
}

/** The index over accounts: a row each with its page's link, and the accounts side by side. */
export function indexPage(reports: AccountReport[], linkOf: (accountId: string) => string): string {
  const days = [...new Set(reports.flatMap((r) => r.days))].sort();
  const rows = reports.map((r) => {
    const best = r.leaderboard.find((h) => h.pBest > 0);
    return [
      `<a href="${esc(linkOf(r.account.id))}">${esc(r.account.name)}</a>`,
      esc(r.account.id),
      usd(r.today.mediaCents + r.today.kieCents),
      usd(r.account.capCents),
      `${r.today.live} / ${r.account.maxLiveAds}`,
      best ? `${esc(best.hookId)} (${best.pBest.toFixed(2)})` : '–',
      usd(r.wasted.totalCents),
      String(r.decisions.length ? r.decisions[0]!.at.slice(0, 16).replace('T', ' ') : '–'),
    ];
  });
  const spend: ChartSpec = {
    id: 'accounts-spend',
    title: 'Spend per day and account (media + Kie)',
    option: {
      grid,
      legend: { top: 22 },
      tooltip: { trigger: 'axis', valueFormatter: 'usd' },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', name: 'USD', min: 0 },
      series: reports.map((r) => {
        const by = new Map(r.money.map((m) => [m.date, (m.mediaCents + m.kieCents) / 100]));
        return { name: r.account.name, type: 'line', data: days.map((d) => by.get(d) ?? 0) };
      }),
    },
  };
  const live: ChartSpec = {
    id: 'accounts-ads',
    title: 'Live ads and wasted spend per account',
    option: {
      grid,
      legend: { top: 22 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: reports.map((r) => r.account.name) },
      yAxis: [
        { type: 'value', name: 'live ads', minInterval: 1 },
        { type: 'value', name: 'wasted USD', min: 0 },
      ],
      series: [
        { name: 'live ads', type: 'bar', data: reports.map((r) => r.today.live) },
        { name: 'wasted USD', type: 'bar', yAxisIndex: 1, data: reports.map((r) => r.wasted.totalCents / 100) },
      ],
    },
  };
  const body = `<section><h2>Accounts</h2>${table(
    ['account', 'id', "today's spend", 'daily cap', 'live ads / cap', 'best hook (P(best))', 'wasted', 'last decision'],
    rows,
    [2, 3, 4, 6],
  )}</section>
<!--charts-->`;
  return page('Meta Ads Master Agent: all accounts', `${reports.length} accounts${reports[0] ? `, generated ${reports[0].generatedAt}` : ''}`, body, [
    spend,
    live,
  ]);
}
