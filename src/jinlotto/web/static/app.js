// The page's entry point: the data notices, the feedback form, and every section started.

import { initCheck } from "./check.js";
import { initHistory, initLatest } from "./draws.js";
import { initHonest } from "./honest.js";
import { initMine } from "./mine.js";
import { initStats } from "./stats.js";
import { firstAnswer, initToday } from "./today.js";
import { $, api, h, showError, t } from "./ui.js";

async function health() {
  try {
    return await api("GET", "/api/health");
  } catch (error) {
    return { draws: null, error: error.message };
  }
}

function notices(facts) {
  const box = $("notices");
  const lines = [];
  if (facts.error) lines.push(h("p", { class: "notice notice-bad" }, facts.error));
  else if (facts.draws === 0) lines.push(h("p", { class: "notice notice-bad" }, t("notice.no_data_title"), " ", h("code", {}, "jinlotto data import PATH"), " / ", h("code", {}, "jinlotto data update")));
  else if (facts.stale) lines.push(h("p", { class: "notice" }, t("notice.stale", { n: facts.missing_recent ?? "?" }), " ", h("code", {}, "jinlotto data update")));
  box.append(...lines);
}

function initFeedback() {
  const dialog = $("feedback");
  const message = $("feedback-message");
  const count = () => {
    $("feedback-count").textContent = t("feedback.count", { n: message.value.length });
  };
  const open = () => {
    showError($("feedback-error"), "");
    $("feedback-done").hidden = true;
    $("feedback-send").disabled = false;
    count();
    dialog.showModal();
    message.focus();
  };
  $("feedback-open").addEventListener("click", open);
  $("feedback-open-2").addEventListener("click", open);
  $("feedback-close").addEventListener("click", () => dialog.close());
  message.addEventListener("input", () => {
    count();
    $("feedback-send").disabled = false;
    $("feedback-done").hidden = true;
  });
  $("feedback-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = message.value.trim();
    if (!text) {
      showError($("feedback-error"), t("feedback.empty"));
      return;
    }
    $("feedback-send").disabled = true;
    try {
      await api("POST", "/api/feedback", { message: text });
      message.value = "";
      count();
      $("feedback-done").hidden = false;
      showError($("feedback-error"), "");
    } catch (error) {
      showError($("feedback-error"), error.status === 429 ? t("feedback.limited") : error.message);
      $("feedback-send").disabled = false;
    }
  });
}

async function start() {
  initFeedback();
  const facts = await health();
  notices(facts);
  const latest = initLatest(facts);
  const today = initToday(facts);
  latest.then((draw) => initCheck(draw));
  await firstAnswer; // today's numbers first (and the visitor cookie): the rest is further down
  const mine = initMine();
  await Promise.allSettled([latest, today, mine, initHistory(), initStats(facts), initHonest(facts)]);
  document.body.dataset.ready = "1";
}

start();
