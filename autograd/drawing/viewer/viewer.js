(function (root) {
  "use strict";
  if (!root || root.dataset.ready) { return; }
  root.dataset.ready = "1";
  function find(selector) { return root.querySelector(selector); }
  var data = JSON.parse(find(".cr-data").textContent);
  var steps = data.steps, quiz = data.quiz;
  var prev = find(".cr-prev"), next = find(".cr-next"), play = find(".cr-play"), slider = find(".cr-slider");
  var counter = find(".cr-counter"), title = find(".cr-title"), lines = find(".cr-lines"), graph = find(".cr-graph");
  find(".cr-note").textContent = data.note;

  // Graphviz names each node and edge in its <title>: "n3", "o3", "n5->o3"
  var shapes = {}, slots = {};
  var groups = root.querySelectorAll("g.node, g.edge");
  for (var i = 0; i < groups.length; i++) {
    var label = groups[i].querySelector("title");
    if (!label) { continue; }
    shapes[label.textContent] = groups[i];
    var texts = groups[i].querySelectorAll("text");  // a box's last row: "grad" and the room for its value
    for (var t = texts.length - 1; t >= 0; t--) {
      var after = texts[t].nextElementSibling;
      if (texts[t].textContent === "grad" && after && after.tagName.toLowerCase() === "text") {
        slots[label.textContent] = {label: texts[t], value: after, group: groups[i]};
        break;
      }
    }
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

  // Gradients on the boxes: a node no rule has reached shows none; a partial sum; a complete one, with ✓.
  // Every text a box will show is made once, here, hidden; a step only shows one and hides another,
  // which repaints the box and lays nothing out again.
  function gradText(slot, text, complete) {
    var key = text ? text + (complete ? " ✓" : "") : "";
    if (!slot.texts[key]) {
      var made = slot.value.cloneNode(false);
      made.textContent = key ? " " + key : "";
      made.setAttribute("class", "cr-grad-value");
      slot.value.parentNode.insertBefore(made, slot.value);
      slot.texts[key] = made;
    }
    return slot.texts[key];
  }
  function setGrad(box, text, complete) {
    var slot = slots[box];
    if (!slot) { return; }
    var shown = gradText(slot, text, complete);
    if (slot.shown) { slot.shown.classList.remove("cr-shown"); }
    shown.classList.add("cr-shown");
    slot.shown = shown;
    slot.label.classList.toggle("cr-shown", !!text);
    slot.group.classList.toggle("cr-partial", !!text && !complete);
    slot.group.classList.toggle("cr-complete", !!text && complete);
  }
  for (var box in slots) {
    slots[box].texts = {};
    slots[box].label.setAttribute("class", "cr-grad-label");
    slots[box].value.setAttribute("class", "cr-grad-room");  // Graphviz's text: its width is the room kept
    setGrad(box, "", false);
  }
  for (var s = 0; s < data.initial.length; s++) { setGrad(data.initial[s][0], data.initial[s][1], data.initial[s][2]); }
  for (var n = 0; n < steps.length; n++) {  // every text made now, none while stepping
    for (var m = 0; m < steps[n].grads.length; m++) {
      var change = steps[n].grads[m];
      if (slots[change[0]]) { gradText(slots[change[0]], change[1], change[2]); }
    }
  }
  var applied = 0;  // how many steps' gradients the boxes show
  function applyTo(count) {
    var updates, u;
    while (applied < count) {
      updates = steps[applied].grads;
      for (u = 0; u < updates.length; u++) { setGrad(updates[u][0], updates[u][1], updates[u][2]); }
      applied++;
    }
    while (applied > count) {  // back: undo, last change first
      applied--;
      updates = steps[applied].grads;
      for (u = updates.length - 1; u >= 0; u--) { setGrad(updates[u][0], updates[u][3], updates[u][4]); }
    }
  }

  // Zoom and pan: the whole graph fits the width at first; buttons, the wheel and dragging change the view
  var svg = graph.querySelector("svg"), full = null, view = null, fitted = true;
  function setView(v) {
    view = v;
    svg.setAttribute("viewBox", v.x + " " + v.y + " " + v.w + " " + v.h);
    // text under 2 px tall cannot be read, and painting it makes each step of a big graph slow: drawn from 2 px
    svg.classList.toggle("cr-tiny", 11 / unitsPerPixel() < 2);
  }
  function fit() {
    var width = graph.clientWidth || 800, most = Math.max(240, window.innerHeight * 0.7);
    var scale = Math.min(width / full.w, most / full.h, 4 / 3);
    svg.style.height = Math.ceil(full.h * scale) + "px";
    setView({x: full.x, y: full.y, w: full.w, h: full.h});
    fitted = true;
  }
  function unitsPerPixel() {
    var frame = svg.getBoundingClientRect();
    return Math.max(view.w / Math.max(frame.width, 1), view.h / Math.max(frame.height, 1));
  }
  function zoom(factor, clientX, clientY) {  // the point under (clientX, clientY) stays put
    var frame = svg.getBoundingClientRect(), per = unitsPerPixel();
    if (clientX === undefined) { clientX = frame.left + frame.width / 2; clientY = frame.top + frame.height / 2; }
    var w = Math.min(Math.max(view.w / factor, full.w / 50), full.w * 2);
    factor = view.w / w;
    var cx = view.x + view.w / 2 + (clientX - frame.left - frame.width / 2) * per;
    var cy = view.y + view.h / 2 + (clientY - frame.top - frame.height / 2) * per;
    setView({x: cx - (cx - view.x) / factor, y: cy - (cy - view.y) / factor, w: w, h: view.h / factor});
    fitted = false;
  }
  function reveal(shape) {  // move the view (never the page) so the current box is in it
    if (!shape || !svg) { return; }
    var box = shape.getBoundingClientRect(), frame = svg.getBoundingClientRect(), per = unitsPerPixel();
    if (box.left < frame.left || box.right > frame.right || box.top < frame.top || box.bottom > frame.bottom) {
      setView({x: view.x + (box.left + box.width / 2 - frame.left - frame.width / 2) * per,
               y: view.y + (box.top + box.height / 2 - frame.top - frame.height / 2) * per, w: view.w, h: view.h});
      fitted = false;
    }
  }
  if (svg && svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
    var base = svg.viewBox.baseVal;
    full = {x: base.x, y: base.y, w: base.width, h: base.height};
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.style.width = "100%";
    fit();
    find(".cr-fit").addEventListener("click", fit);
    find(".cr-zoom-in").addEventListener("click", function () { zoom(1.4); });
    find(".cr-zoom-out").addEventListener("click", function () { zoom(1 / 1.4); });
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoom(Math.pow(1.0015, -event.deltaY), event.clientX, event.clientY);
    }, {passive: false});
    var drag = null;
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      drag = {x: event.clientX, y: event.clientY, per: unitsPerPixel(), view: view};
      svg.setPointerCapture(event.pointerId);
      svg.classList.add("cr-dragging");
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      setView({x: drag.view.x - (event.clientX - drag.x) * drag.per, y: drag.view.y - (event.clientY - drag.y) * drag.per,
               w: drag.view.w, h: drag.view.h});
      fitted = false;
    });
    svg.addEventListener("pointerup", function () { drag = null; svg.classList.remove("cr-dragging"); });
    window.addEventListener("resize", function () { if (fitted) { fit(); } });
  } else {
    find(".cr-zoom").hidden = true;
  }

  // The panel: long lines break between the parts of a chain rule, never inside a name
  function writeLine(text) {
    var item = document.createElement("li"), parts = text.split(/( = | · | ⊙ |; )/);
    for (var p = 0; p < parts.length; p++) {
      if (p % 2) { item.appendChild(document.createTextNode(parts[p])); continue; }
      var chunk = document.createElement("span");
      chunk.className = "cr-chunk";
      chunk.textContent = parts[p];
      item.appendChild(chunk);
    }
    lines.appendChild(item);
  }

  // The quiz: each step asks, per parent receiving gradient, its local derivative and its contribution
  var status = steps.map(function () { return quiz ? "open" : "seen"; });
  var quizBox = find(".cr-quiz"), questionsBox = find(".cr-questions"), verdict = find(".cr-verdict");
  var hints = find(".cr-hints"), score = find(".cr-score");
  function close(given, wanted) {
    return isFinite(given) && Math.abs(given - wanted) <= Math.max(1e-6, 1e-3 * Math.abs(wanted));
  }
  function parse(text) {
    text = text.trim().replace(/\u2212/g, "-");
    var fraction = text.match(/^(-?[0-9.eE+-]+)\s*\/\s*([0-9.eE+-]+)$/);
    return text === "" ? NaN : fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(text);
  }
  function field(row, caption, kind) {
    var labelled = document.createElement("label");
    labelled.appendChild(document.createTextNode(caption + " = "));
    var input = document.createElement("input");
    input.type = "text";
    input.className = "cr-answer cr-" + kind;
    input.setAttribute("inputmode", "decimal");
    input.size = 8;
    labelled.appendChild(input);
    row.appendChild(labelled);
    return input;
  }
  function ask(step, index) {
    while (questionsBox.firstChild) { questionsBox.removeChild(questionsBox.firstChild); }
    hints.textContent = "";
    var answered = status[index] !== "open";
    verdict.textContent = status[index] === "right" ? "right" : status[index] === "shown" ? "shown (not counted)" : "";
    for (var q = 0; q < step.questions.length; q++) {
      var question = step.questions[q], row = document.createElement("div");
      row.className = "cr-question";
      var local = field(row, question.localLabel, "local");
      var part = field(row, question.contributionLabel, "contribution");
      if (answered) {
        local.value = String(question.local);
        part.value = String(question.contribution);
        local.disabled = part.disabled = true;
      }
      questionsBox.appendChild(row);
    }
    find(".cr-check").disabled = find(".cr-show").disabled = answered;
  }
  function check() {
    var step = steps[current], rows = questionsBox.querySelectorAll(".cr-question"), wrong = [];
    for (var q = 0; q < rows.length; q++) {
      var question = step.questions[q];
      var local = rows[q].querySelector(".cr-local"), part = rows[q].querySelector(".cr-contribution");
      var localRight = question.local === null || close(parse(local.value), question.local);
      var partRight = close(parse(part.value), question.contribution);
      local.classList.toggle("cr-wrong", !localRight);
      local.classList.toggle("cr-right", localRight);
      part.classList.toggle("cr-wrong", !partRight);
      part.classList.toggle("cr-right", partRight);
      if (!localRight) { wrong.push("Hint for " + question.parent + ": " + question.hint); }
      if (localRight && !partRight) {
        wrong.push("Hint for " + question.parent + ": the contribution is the upstream gradient times the local derivative");
      }
    }
    if (wrong.length) {
      verdict.textContent = "not quite: try again, or show";
      hints.textContent = "";
      for (var w = 0; w < wrong.length; w++) {
        var hint = document.createElement("div");
        hint.className = "cr-hint";
        hint.textContent = wrong[w];
        hints.appendChild(hint);
      }
      return;
    }
    status[current] = "right";
    render(current);
  }
  function revealAnswers() {
    status[current] = "shown";
    render(current);
  }
  function updateScore() {
    var right = 0, open = 0;
    for (var k = 0; k < status.length; k++) { if (status[k] === "right") { right++; } if (status[k] === "open") { open++; } }
    score.textContent = quiz && !open && steps.length ? "Score: " + right + " of " + steps.length +
      " steps right (a step revealed by show does not count)" : "";
  }
  if (quiz) {
    quizBox.hidden = false;
    find(".cr-check").addEventListener("click", check);
    find(".cr-show").addEventListener("click", revealAnswers);
    questionsBox.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); check(); }
    });
  }
  function reachable() {  // in a quiz, the first step not answered yet is as far as one can go
    for (var k = 0; k < status.length; k++) { if (status[k] === "open") { return k; } }
    return steps.length - 1;
  }

  var current = -1, timer = null;
  function render(index) {
    var step = steps[index], open = status[index] === "open";
    applyTo(index + (open ? 0 : 1));
    title.textContent = step.title;
    while (lines.firstChild) { lines.removeChild(lines.firstChild); }
    var shown = open ? step.lines.slice(0, 1) : step.lines;  // the upstream gradient, then what the quiz asks
    for (var j = 0; j < shown.length; j++) { writeLine(shown[j]); }
    if (quiz) { ask(step, index); }
    next.disabled = index >= reachable() || index === steps.length - 1;
    updateScore();
  }
  function show(index) {
    if (!steps.length) {
      counter.textContent = "no steps: the root is a leaf";
      prev.disabled = next.disabled = play.disabled = slider.disabled = true;
      return;
    }
    index = Math.max(0, Math.min(reachable(), steps.length - 1, index));
    if (index === current) { slider.value = String(index); return; }
    var low = Math.min(current, index), high = Math.max(current, index);
    for (var k = Math.max(low, 0); k < high; k++) {  // rules before the current one have run
      mark([steps[k].box, steps[k].op], "cr-done", k < index);
    }
    if (current >= 0) { paint(steps[current], false); }
    current = index;
    paint(steps[index], true);
    render(index);
    slider.value = String(index);
    counter.textContent = "step " + (index + 1) + " of " + steps.length;
    prev.disabled = index === 0;
    if (full) { reveal(shapes[steps[index].box]); }
  }
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = "▶ play";
    play.title = "play: step through on a timer";
  }
  function toggle() {
    if (timer !== null) { stop(); return; }
    if (current >= Math.min(reachable(), steps.length - 1)) { show(0); }
    play.textContent = "❚❚ pause";
    play.title = "pause the play-through";
    timer = setInterval(function () {
      if (current >= Math.min(reachable(), steps.length - 1)) { stop(); } else { show(current + 1); }
    }, 900);
  }
  function key(event) {
    var tag = event.target && event.target.tagName ? event.target.tagName.toLowerCase() : "";
    if (tag === "input" && event.target.type === "text") { return; }  // typing an answer
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
