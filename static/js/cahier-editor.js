// The cahier's editor: a toolbar over a plain textarea that inserts the small HTML the server
// keeps (nh3). Without JavaScript the textarea alone works: the text keeps its line breaks.
(function () {
  "use strict";
  var TOOLS = [
    ["Gras", "<strong>", "</strong>"],
    ["Italique", "<em>", "</em>"],
    ["Liste", "<ul>\n<li>", "</li>\n</ul>"],
    ["Lien", "<a href=\"https://\">", "</a>"],
    ["Tableau", "<table>\n<tr><th>", "</th><th></th></tr>\n<tr><td></td><td></td></tr>\n</table>"]
  ];

  function wrap(area, before, after) {
    var start = area.selectionStart, end = area.selectionEnd, value = area.value;
    area.value = value.slice(0, start) + before + value.slice(start, end) + after + value.slice(end);
    area.focus();
    area.setSelectionRange(start + before.length, end + before.length);
  }

  function setup(area) {
    var bar = document.createElement("div");
    bar.className = "cahier-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Mise en forme");
    bar.setAttribute("aria-controls", area.id);
    TOOLS.forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small";
      button.textContent = tool[0];
      button.addEventListener("click", function () { wrap(area, tool[1], tool[2]); });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-cahier-editor]").forEach(setup);
  });
})();
