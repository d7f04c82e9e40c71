"use strict";

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
    credentials: "same-origin",
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function show(id, lines, isError) {
  const box = document.getElementById(id);
  box.replaceChildren(...lines.map((text) => {
    const line = document.createElement("p");
    line.textContent = text;  // never innerHTML: the text may come from a ticket
    line.className = isError ? "error" : "game";
    return line;
  }));
}

async function loadStatus() {
  try {
    const health = await call("GET", "/api/health");
    document.getElementById("data-status").textContent = health.hint ||
      `${health.draws} draws stored, newest draw ${health.latest_draw_no}.`;
  } catch (error) {
    document.getElementById("data-status").textContent = error.message;
  }
}

document.getElementById("get-numbers").addEventListener("click", async () => {
  try {
    const result = await call("POST", "/api/predict", { num_sets: 5 });
    const games = result.sets.map((set, i) =>
      `${set.join("  ")}   (confidence ${result.confidence_scores[i].toFixed(2)})`);
    show("numbers", [`For draw ${result.draw_no}, ${result.generated_for} · ${result.strategy}`,
                     ...games]);
  } catch (error) {
    show("numbers", [error.message], true);
  }
});

const RANKS = ["no prize", "1st", "2nd", "3rd", "4th", "5th"];

document.getElementById("check").addEventListener("click", async () => {
  try {
    const result = await call("POST", "/api/tickets/check", { qr: document.getElementById("qr").value });
    if (result.status !== "graded") {
      const why = result.status === "pending" ? "has not been drawn yet" : "is not stored here yet";
      show("ticket", [`Draw ${result.draw_no} ${why}.`]);
      return;
    }
    show("ticket", result.games.map((game) =>
      `${game.numbers.join("  ")} — ${game.matched} matched${game.bonus_matched ? " + bonus" : ""}, ` +
      `${RANKS[game.rank]}${game.prize ? `, ${game.prize.toLocaleString()} KRW` : ""}`));
  } catch (error) {
    show("ticket", [error.message], true);
  }
});

loadStatus();
