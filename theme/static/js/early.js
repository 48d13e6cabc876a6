// Loaded (blocking, tiny) in <head>: marks the page as scripted before the first paint, so that
// what only works with JavaScript (the filters) takes its room at once and nothing jumps later.
document.documentElement.classList.add("js");
