// "Does any of this predict the draw?": the backtest, the randomness audit and the honest edge.

import { figure, intervalChart } from "./charts.js";
import { firstAnswer, popularityBlock } from "./today.js";
import { $, api, ballRow, dataTable, emptyBox, errorBox, fill, formatNumber, h, t } from "./ui.js";

const CHANCE = 0.8;

export function initHonest(health) {
  if (health && health.draws === 0) {
    for (const id of ["honest-backtest", "honest-audit"]) fill($(id), emptyBox(t("notice.no_data")));
    return Promise.resolve();
  }
  return Promise.all([backtest(), audit(), edge()]);
}

function strategyName(name) {
  try {
    return t(`strategy.${name}`);
  } catch {
    return name;
  }
}

function verdict(low, high) {
  if (low > CHANCE) return t("honest.above");
  if (high < CHANCE) return t("honest.below");
  return t("honest.consistent");
}

async function backtest() {
  const box = $("honest-backtest");
  let report;
  try {
    report = await api("GET", "/api/backtest/latest");
  } catch (error) {
    fill(box, error.status === 404 ? emptyBox(t("honest.no_backtest"), h("pre", {}, h("code", {}, "jinlotto backtest"))) : errorBox(error.message));
    return;
  }
  const names = Object.keys(report.strategies).sort((a, b) => (a === report.control ? -1 : b === report.control ? 1 : 0));
  const rows = names.map((name) => {
    const figures = report.strategies[name];
    return { name: strategyName(name), mean: figures.mean_matches, low: figures.ci95[0], high: figures.ci95[1], control: name === report.control };
  });
  const min = Math.min(0.6, ...rows.map((r) => Math.floor(r.low * 10) / 10));
  const max = Math.max(1.0, ...rows.map((r) => Math.ceil(r.high * 10) / 10));
  const caption = t("honest.backtest_caption", { from: report.from, to: report.to, games: formatNumber(report.tickets) });
  const description = rows.map((r) => `${r.name} ${formatNumber(r.mean, 3)} (${formatNumber(r.low, 3)}–${formatNumber(r.high, 3)})`).join("; ");
  const width = Math.max(box.clientWidth - 2, 260);
  const above = rows.filter((r) => r.low > CHANCE);
  fill(
    box,
    figure(
      caption,
      intervalChart({ width, title: caption, description, rows, reference: CHANCE, referenceLabel: t("honest.chance_line"), min, max }),
      dataTable(caption, [t("honest.strategy"), t("honest.mean"), t("honest.interval"), t("honest.reading")], rows.map((r) => [r.name, formatNumber(r.mean, 3), `${formatNumber(r.low, 3)}–${formatNumber(r.high, 3)}`, verdict(r.low, r.high)])),
    ),
    h("p", { class: "honest-summary" }, above.length ? t("honest.some_above", { list: above.map((r) => r.name).join(", ") }) : t("honest.none_above")),
  );
}

async function audit() {
  const box = $("honest-audit");
  try {
    const result = await api("GET", "/api/analysis/randomness");
    const items = result.tests.map((test) => {
      const fair = test.p_value === null || test.p_value >= 0.05;
      return h(
        "li",
        { class: `audit-item${fair ? "" : " audit-low"}` },
        h("span", { class: "audit-name" }, t(`audit.${test.name}`)),
        h("span", { class: "audit-p" }, test.p_value === null ? "—" : `p = ${formatNumber(test.p_value, 2)}`),
        h("span", { class: "audit-verdict" }, fair ? t("honest.fair") : t("honest.unusual")),
      );
    });
    fill(box, h("p", { class: "fine" }, t("honest.audit_span", { n: formatNumber(result.draws) })), h("ul", { class: "audit" }, items), h("p", { class: "fine" }, t("honest.audit_note")));
  } catch (error) {
    fill(box, errorBox(error.message));
  }
}

async function edge() {
  const box = $("honest-edge");
  await firstAnswer; // after the first answer, so that one visitor key serves both requests
  try {
    const result = await api("POST", "/api/predict", { num_sets: 1, strategy: "popularity" });
    const popularity = result.analysis_summary[0] && result.analysis_summary[0].popularity;
    if (result.strategy !== "popularity" || !popularity) return;
    const game = ballRow(result.sets[0], { small: true, label: t("honest.edge_example") });
    fill(box, h("p", { class: "fine" }, t("honest.edge_example")), game, popularityBlock(popularity), h("p", { class: "fine" }, t("honest.edge_ev")));
  } catch (error) {
    fill(box, h("p", { class: "fine" }, error.message));
  }
}
