// Small SVG charts drawn at the width they are shown at, each with a text alternative.

import { formatNumber, h } from "./ui.js";

const SVG = "http://www.w3.org/2000/svg";

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  element.append(...children);
  return element;
}

function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= value / 4) * power;
  return Math.ceil(value / step) * step;
}

function svgRoot(width, height, title, description) {
  const id = `c${Math.random().toString(36).slice(2, 9)}`;
  return s(
    "svg",
    { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": `${id}t ${id}d`, class: "chart" },
    s("title", { id: `${id}t` }, title),
    s("desc", { id: `${id}d` }, description),
  );
}

/**
 * Vertical bars with an expectation drawn over them: one horizontal line (a number) or a
 * marker per bar (an array).
 */
export function barChart({ width, height = 180, title, description, labels, values, expected, expectedLabel, colours, labelEvery = 1 }) {
  const pad = { top: 18, right: 8, bottom: 24, left: 34 };
  const innerWidth = Math.max(width - pad.left - pad.right, 40);
  const innerHeight = height - pad.top - pad.bottom;
  const expectations = Array.isArray(expected) ? expected : values.map(() => expected);
  const top = niceMax(Math.max(...values, ...expectations.filter((v) => v !== undefined)));
  const y = (value) => pad.top + innerHeight - (value / top) * innerHeight;
  const band = innerWidth / values.length;
  const barWidth = Math.max(band * 0.72, 1.5);
  const svg = svgRoot(width, height, title, description);

  for (const tick of [0, top / 2, top]) {
    svg.append(
      s("line", { x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick), class: "grid-line" }),
      s("text", { x: pad.left - 5, y: y(tick) + 4, class: "axis", "text-anchor": "end" }, formatNumber(tick)),
    );
  }
  values.forEach((value, index) => {
    const x = pad.left + index * band + (band - barWidth) / 2;
    svg.append(s("rect", { x, y: y(value), width: barWidth, height: Math.max(y(0) - y(value), 0), rx: Math.min(barWidth / 3, 3), class: `bar ${colours ? `bar-${colours[index]}` : ""}` }));
    if (index % labelEvery === 0 || index === values.length - 1) {
      svg.append(s("text", { x: x + barWidth / 2, y: height - 8, class: "axis", "text-anchor": "middle" }, String(labels[index])));
    }
  });
  if (Array.isArray(expected)) {
    const points = expectations.map((value, index) => `${pad.left + (index + 0.5) * band},${y(value)}`).join(" ");
    svg.append(s("polyline", { points, class: "expected-line" }));
    expectations.forEach((value, index) => svg.append(s("circle", { cx: pad.left + (index + 0.5) * band, cy: y(value), r: 3, class: "expected-dot" })));
  } else if (expected !== undefined) {
    svg.append(s("line", { x1: pad.left, x2: width - pad.right, y1: y(expected), y2: y(expected), class: "expected-line" }));
  }
  svg.append(s("text", { x: width - pad.right, y: 11, class: "legend", "text-anchor": "end" }, `— ${expectedLabel}`));
  return svg;
}

/** Each row's mean with its 95 % interval, beside a reference line (the chance level). */
export function intervalChart({ width, title, description, rows, reference, referenceLabel, min, max }) {
  const rowHeight = 34;
  const pad = { top: 26, right: 16, bottom: 26, left: Math.min(110, width * 0.3) };
  const height = pad.top + pad.bottom + rows.length * rowHeight;
  const x = (value) => pad.left + ((value - min) / (max - min)) * (width - pad.left - pad.right);
  const svg = svgRoot(width, height, title, description);
  for (let tick = min; tick <= max + 1e-9; tick += 0.1) {
    svg.append(
      s("line", { x1: x(tick), x2: x(tick), y1: pad.top - 6, y2: height - pad.bottom, class: "grid-line" }),
      s("text", { x: x(tick), y: height - 8, class: "axis", "text-anchor": "middle" }, formatNumber(tick, 1)),
    );
  }
  svg.append(
    s("line", { x1: x(reference), x2: x(reference), y1: pad.top - 10, y2: height - pad.bottom, class: "reference-line" }),
    s("text", { x: x(reference), y: 12, class: "legend", "text-anchor": "middle" }, referenceLabel),
  );
  rows.forEach((row, index) => {
    const cy = pad.top + index * rowHeight + rowHeight / 2;
    const clamp = (value) => Math.min(max, Math.max(min, value));
    svg.append(
      s("text", { x: pad.left - 10, y: cy + 4, class: "row-label", "text-anchor": "end" }, row.name),
      s("line", { x1: x(clamp(row.low)), x2: x(clamp(row.high)), y1: cy, y2: cy, class: "whisker" }),
      s("line", { x1: x(clamp(row.low)), x2: x(clamp(row.low)), y1: cy - 6, y2: cy + 6, class: "whisker" }),
      s("line", { x1: x(clamp(row.high)), x2: x(clamp(row.high)), y1: cy - 6, y2: cy + 6, class: "whisker" }),
      s("circle", { cx: x(clamp(row.mean)), cy, r: 6, class: row.control ? "dot dot-control" : "dot" }),
    );
  });
  return svg;
}

/** A chart in a figure with its caption and its data table. */
export function figure(caption, chart, table) {
  return h("figure", { class: "chart-figure" }, h("figcaption", {}, caption), chart, table);
}
