(function (root) {
  "use strict";
  if (!root || root.dataset.ready) { return; }
  root.dataset.ready = "1";
  var data = JSON.parse(root.querySelector(".cr-data").textContent);
  var steps = data.steps;
  var prev = root.querySelector(".cr-prev"), next = root.querySelector(".cr-next");
  var play = root.querySelector(".cr-play"), slider = root.querySelector(".cr-slider");
  var counter = root.querySelector(".cr-counter"), title = root.querySelector(".cr-title");
  var lines = root.querySelector(".cr-lines"), graph = root.querySelector(".cr-graph");
  root.querySelector(".cr-note").textContent = data.note;

  // Graphviz names each node and edge in its <title>: "n3", "o3", "n5->o3"
  var shapes = {};
  var groups = root.querySelectorAll("g.node, g.edge");
  for (var i = 0; i < groups.length; i++) {
    var label = groups[i].querySelector("title");
    if (label) { shapes[label.textContent] = groups[i]; }
  }
  function mark(names, cls, on) {
    for (var k = 0; k < names.length; k++) {
      var shape = shapes[names[k]];
      if (shape) { shape.classList.toggle(cls, on); }
    }
  }
  function paint(step, on) {
    mark([step.box, step.op], "cr-current", on);
    mark(step.edges.concat([step.op + "->" + step.box]), "cr-flow", on);
    mark(step.receivers, "cr-receiving", on);
  }

  var current = -1, timer = null;
  function show(index) {
    if (!steps.length) {
      counter.textContent = "no steps: the root is a leaf";
      prev.disabled = next.disabled = play.disabled = slider.disabled = true;
      return;
    }
    index = Math.max(0, Math.min(steps.length - 1, index));
    if (index === current) { return; }
    var low = Math.min(current, index), high = Math.max(current, index);
    for (var k = Math.max(low, 0); k < high; k++) {  // rules before the current one have run
      mark([steps[k].box, steps[k].op], "cr-done", k < index);
    }
    if (current >= 0) { paint(steps[current], false); }
    current = index;
    var step = steps[index];
    paint(step, true);
    title.textContent = step.title;
    while (lines.firstChild) { lines.removeChild(lines.firstChild); }
    for (var j = 0; j < step.lines.length; j++) {
      var item = document.createElement("li");
      item.textContent = step.lines[j];
      lines.appendChild(item);
    }
    slider.value = String(index);
    counter.textContent = "step " + (index + 1) + " of " + steps.length;
    prev.disabled = index === 0;
    next.disabled = index === steps.length - 1;
    reveal(shapes[step.box]);
  }
  function reveal(shape) {  // scroll the graph pane (never the page) so the current box is in view
    if (!shape || graph.scrollHeight <= graph.clientHeight && graph.scrollWidth <= graph.clientWidth) { return; }
    var box = shape.getBoundingClientRect(), pane = graph.getBoundingClientRect();
    if (box.left < pane.left || box.right > pane.right) {
      graph.scrollLeft += box.left - pane.left - (pane.width - box.width) / 2;
    }
    if (box.top < pane.top || box.bottom > pane.bottom) {
      graph.scrollTop += box.top - pane.top - (pane.height - box.height) / 2;
    }
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "▶ play";
    play.title = "play: step through on a timer";
  }
  function toggle() {
    if (timer !== null) { stop(); return; }
    if (current >= steps.length - 1) { show(0); }
    play.textContent = "❚❚ pause";
    play.title = "pause the play-through";
    timer = setInterval(function () {
      if (current >= steps.length - 1) { stop(); } else { show(current + 1); }
    }, 900);
  }
  function key(event) {
    if (event.key === "ArrowRight") { stop(); show(current + 1); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { stop(); show(current - 1); event.preventDefault(); }
  }
  prev.addEventListener("click", function () { stop(); show(current - 1); });
  next.addEventListener("click", function () { stop(); show(current + 1); });
  play.addEventListener("click", toggle);
  slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
  root.addEventListener("keydown", function (event) { if (event.target !== slider) { key(event); } });
  if (root.dataset.page === "1") {  // a saved page holds one viewer: the arrow keys work without a click first
    document.addEventListener("keydown", function (event) { if (!root.contains(event.target)) { key(event); } });
  }
  show(0);
})(document.getElementById("__UID__"));
