// flask-pick's builder: every change asks the server for the page's new state and swaps it in.
// Without this script the form and links still work (each is a full page load).
"use strict";

(function () {
  const builder = () => document.getElementById("builder");
  let pending = null;

  async function load(url, push, anchor) {
    if (pending) pending.abort();
    pending = new AbortController();
    const focused = document.activeElement && document.activeElement.id;
    let response;
    try {
      response = await fetch(url, { headers: { "X-Fragment": "builder" }, signal: pending.signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      throw error;
    }
    const html = await response.text();
    const problem = document.getElementById("problem");
    if (!response.ok) {
      // The choices stay as they were; the message says what to change.
      problem.innerHTML = html;
      return;
    }
    problem.innerHTML = "";
    builder().innerHTML = html;
    const summary = builder().querySelector("[data-status]");
    if (summary) document.getElementById("status").textContent = summary.dataset.status;
    const state = builder().querySelector("[data-query]");
    const query = state ? state.dataset.query : new URL(url, location.href).search.slice(1);
    const extra = new URL(url, location.href).searchParams;
    const page = new URLSearchParams(query);
    for (const key of ["compare", "explore", "file"]) {
      if (extra.get(key)) page.set(key, extra.get(key));
    }
    const address = "?" + page.toString() + (anchor || "");
    if (push) history.pushState(null, "", address);
    else history.replaceState(null, "", address);
    // Keep the keyboard where it was: the replaced control, or the section a link opened.
    const target = (focused && document.getElementById(focused)) ||
      (anchor && document.getElementById(anchor.slice(1)));
    if (target) target.focus({ preventScroll: !anchor });
    if (anchor && target) target.scrollIntoView({ block: "nearest" });
  }

  function formQuery(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  let timer = null;
  document.addEventListener("change", (event) => {
    const form = event.target.closest("#choices");
    if (form) load("?" + formQuery(form), false);
  });
  document.addEventListener("input", (event) => {
    if (event.target.id !== "name") return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (event.target.checkValidity()) load("?" + formQuery(event.target.form), false);
    }, 400);
  });
  document.addEventListener("submit", (event) => {
    if (event.target.id !== "choices") return;
    event.preventDefault();
    load("?" + formQuery(event.target), false);
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-fetch]");
    if (link) {
      event.preventDefault();
      const url = new URL(link.href);
      load(url.pathname + url.search, true, url.hash);
      return;
    }
    const copy = event.target.closest("button[data-copy]");
    if (copy) {
      const field = document.getElementById(copy.dataset.copy);
      field.select();
      if (navigator.clipboard) navigator.clipboard.writeText(field.value).catch(() => {});
      copy.textContent = "Copied";
      setTimeout(() => { copy.textContent = "Copy"; }, 1500);
    }
  });
  window.addEventListener("popstate", () => load(location.pathname + location.search, false));
  // With the script running, answers apply at once: the button is for keyboards without it.
  document.documentElement.classList.add("js");
})();
