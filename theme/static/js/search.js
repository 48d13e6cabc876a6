// Search as you type: a progressive enhancement of the server-rendered /search page.
// It fetches the same page for the new query and swaps the results in, so there is one
// renderer (the server's template) and the page works the same without JavaScript.
// While typing, `partial=1` asks the server to take the last word as the beginning of a word
// ("Kendall lett" finds "letter"); the form's own submit searches the words as typed.
const form = document.querySelector("form.search");
const input = document.getElementById("q");
let timer = null;
let latest = 0;

// A phrase or a group still open is still being typed: asking now would only answer that it is
// unbalanced, so the results shown stay until it is closed (Enter still shows the reason).
function stillOpen(q) {
  const outside = q.replace(/"[^"]*"/g, " ");
  return (q.split('"').length - 1) % 2 === 1
    || (outside.split("(").length !== outside.split(")").length);
}

async function refresh() {
  if (!input.value.trim() || stillOpen(input.value)) return;
  const params = new URLSearchParams(new FormData(form));
  params.set("partial", "1");
  const ticket = ++latest;
  const response = await fetch(`${form.action}?${params}`, { headers: { Accept: "text/html" } });
  if (ticket !== latest) return; // a newer keystroke has already asked again
  if (response.status === 400) return; // mid-word, a query can be briefly wrong: keep the results shown
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("search-output");
  const current = document.getElementById("search-output");
  if (fresh && current) {
    current.replaceWith(fresh);
    history.replaceState(null, "", `${form.action}?${params}`);
  }
}

if (form && input) {
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
}
