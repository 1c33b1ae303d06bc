// gridgov maps: pan and zoom for the SVG maps the server draws (svg.gmap). Without this file a
// map is still a whole picture whose grids link to their pages, and it prints the same.
//
// Zooming rewrites the viewBox, so the browser redraws the vectors sharply at every level; grid
// edges keep their width through CSS (vector-effect), and labels keep theirs because the font
// size on g.gmap-labels is rescaled here. The server marks each label with the zoom from which
// it fits inside its grid (data-z); labels are sorted into buckets by that number once, so a zoom
// step touches only the buckets it crosses rather than every label.
(function () {
  "use strict";

  var MIN_ZOOM = 1;
  var MAX_ZOOM = 64;
  var STEP = 1.6;        // zoom factor of one button press or key
  var PAN_STEP = 0.15;   // share of the view one arrow key moves
  var DRAG_SLOP = 4;     // CSS px a press may wander and still count as a click
  var WHEEL_PX = 300;    // wheel travel (px) that doubles or halves the zoom

  function setup(svg) {
    var vb = svg.viewBox && svg.viewBox.baseVal;
    if (!vb || !(vb.width > 0) || !(vb.height > 0)) return;
    var X0 = vb.x, Y0 = vb.y, W = vb.width, H = vb.height;
    // The server lays a map out for this many CSS px across; data-z counts from that width.
    var layoutWidth = parseFloat(svg.getAttribute("width")) || 1000;
    var labels = svg.querySelector(".gmap-labels");
    var labelPx = 12, halo = 0.2;
    var buckets = [];
    if (labels) {
      var font = parseFloat(labels.getAttribute("font-size"));
      if (font > 0) {
        labelPx = font * layoutWidth / W;
        halo = (parseFloat(labels.getAttribute("stroke-width")) || font / 5) / font;
      }
      var byZ = new Map();
      labels.querySelectorAll("text[data-z]").forEach(function (t) {
        var z = parseInt(t.getAttribute("data-z"), 10) || 1;
        if (!byZ.has(z)) byZ.set(z, []);
        byZ.get(z).push(t);
      });
      byZ.forEach(function (els, z) { buckets.push({ z: z, els: els }); });
      buckets.sort(function (a, b) { return a.z - b.z; });
    }
    var frame = svg.closest(".gmap-frame");

    var zoom = 1, vx = X0, vy = Y0;  // the view: zoom factor and top-left corner in user units
    var level = -1;                  // labels with data-z up to this are shown
    var queued = false;

    svg.classList.add("gmap-live");
    if (frame) frame.classList.add("gmap-live");
    if (!svg.hasAttribute("tabindex")) svg.setAttribute("tabindex", "0");

    // Screen geometry of the current view: CSS px per user unit and the position of the view's
    // corner (the viewBox is centred in the element if their shapes ever differ).
    function screen() {
      var r = svg.getBoundingClientRect();
      var w = W / zoom, h = H / zoom;
      var s = Math.min(r.width / w, r.height / h) || 1;
      return { s: s, left: r.left + (r.width - w * s) / 2, top: r.top + (r.height - h * s) / 2, width: r.width };
    }

    function toUser(clientX, clientY) {
      var g = screen();
      return { x: vx + (clientX - g.left) / g.s, y: vy + (clientY - g.top) / g.s };
    }

    function centre() {
      return { x: vx + W / zoom / 2, y: vy + H / zoom / 2 };
    }

    // Keeps the zoom within its limits and the view over the map.
    function clamp() {
      zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
      vx = Math.min(X0 + W - W / zoom, Math.max(X0, vx));
      vy = Math.min(Y0 + H - H / zoom, Math.max(Y0, vy));
    }

    function showLabels(next) {
      if (next === level) return;
      buckets.forEach(function (b) {
        var on = b.z <= next;
        if (on !== (b.z <= level)) {
          b.els.forEach(function (t) { t.classList.toggle("on", on); });
        }
      });
      level = next;
      svg.dataset.zoom = String(next);
    }

    function draw() {
      queued = false;
      // Read the layout before writing to the DOM, so the browser lays out once per frame.
      paint(svg.getBoundingClientRect().width || layoutWidth);
    }

    // Draws the view for a map `width` CSS px wide.
    function paint(width) {
      var w = W / zoom, h = H / zoom;
      svg.setAttribute("viewBox", vx + " " + vy + " " + w + " " + h);
      if (labels) {
        // A constant size on screen: labelPx CSS px whatever the zoom and the map's width.
        var font = labelPx * w / width;
        labels.setAttribute("font-size", font.toFixed(2));
        labels.setAttribute("stroke-width", (font * halo).toFixed(2));
      }
      // The zoom as the labels count it: drawn wider than laid out is as good as zoomed in. The
      // server pads each label by more than 8%, so a map drawn a little narrower than it was
      // laid out for still shows what fits.
      showLabels(Math.floor(zoom * width / layoutWidth * 1.08));
    }

    function redraw() {
      if (!queued) {
        queued = true;
        window.requestAnimationFrame(draw);
      }
    }

    // Zooms by a factor, keeping the point p (user units) where it is on screen.
    function zoomAt(p, factor) {
      var z = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom * factor));
      if (z === zoom) return;
      vx = p.x - (p.x - vx) * zoom / z;
      vy = p.y - (p.y - vy) * zoom / z;
      zoom = z;
      clamp();
      redraw();
    }

    function panBy(dxPx, dyPx) {
      var s = screen().s;
      vx -= dxPx / s;
      vy -= dyPx / s;
      clamp();
      redraw();
    }

    function reset() {
      zoom = 1;
      vx = X0;
      vy = Y0;
      redraw();
    }

    // Pointers: one drags the map, two pinch. A press that turned into a drag or pinch must not
    // also follow the link it started on.
    var pointers = new Map();
    var pressX = 0, pressY = 0;
    var dragged = false;
    var pinch = null;

    function pinchState() {
      var ps = Array.from(pointers.values());
      return {
        dist: Math.hypot(ps[0].x - ps[1].x, ps[0].y - ps[1].y) || 1,
        x: (ps[0].x + ps[1].x) / 2,
        y: (ps[0].y + ps[1].y) / 2
      };
    }

    function capture(id) {
      try { svg.setPointerCapture(id); } catch (e) { /* the pointer is already gone */ }
    }

    svg.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pointers.size === 1) {
        pressX = e.clientX;
        pressY = e.clientY;
        dragged = false;
      } else if (pointers.size === 2) {
        dragged = true;
        pointers.forEach(function (_, id) { capture(id); });
        pinch = pinchState();
      }
    });

    svg.addEventListener("pointermove", function (e) {
      var p = pointers.get(e.pointerId);
      if (!p) return;
      if (pointers.size === 1) {
        if (!dragged) {
          if (Math.hypot(e.clientX - pressX, e.clientY - pressY) < DRAG_SLOP) return;
          dragged = true;
          // Captured only now: capturing on press would take the click away from the link.
          capture(e.pointerId);
          svg.classList.add("gmap-dragging");
        }
        panBy(e.clientX - p.x, e.clientY - p.y);
        p.x = e.clientX;
        p.y = e.clientY;
      } else if (pointers.size === 2 && pinch) {
        p.x = e.clientX;
        p.y = e.clientY;
        // The spot that was under the fingers' midpoint scales about it, then follows it.
        var now = pinchState();
        zoomAt(toUser(pinch.x, pinch.y), now.dist / pinch.dist);
        panBy(now.x - pinch.x, now.y - pinch.y);
        pinch = now;
      }
    });

    function release(e) {
      if (!pointers.delete(e.pointerId)) return;
      if (pointers.size < 2) pinch = null;
      if (pointers.size === 0) svg.classList.remove("gmap-dragging");
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);

    // Clicks from a keyboard (detail 0) are never the end of a drag.
    svg.addEventListener("click", function (e) {
      if (dragged && e.detail !== 0) {
        e.preventDefault();
        e.stopPropagation();
      }
    }, true);
    // Links would otherwise start the browser's own drag-and-drop of their address.
    svg.addEventListener("dragstart", function (e) { e.preventDefault(); });

    svg.addEventListener("wheel", function (e) {
      var dy = e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1);
      if (!dy) return;
      // Trackpad pinches arrive as wheel events with ctrlKey and small deltas.
      var factor = Math.pow(2, -dy / (e.ctrlKey ? WHEEL_PX / 4 : WHEEL_PX));
      // At a limit the wheel scrolls the page again, so the map is no trap.
      if (!e.ctrlKey && ((factor > 1 && zoom >= MAX_ZOOM) || (factor < 1 && zoom <= MIN_ZOOM))) return;
      e.preventDefault();
      zoomAt(toUser(e.clientX, e.clientY), factor);
    }, { passive: false });

    svg.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var w = W / zoom, h = H / zoom;
      switch (e.key) {
        case "ArrowLeft": vx -= w * PAN_STEP; break;
        case "ArrowRight": vx += w * PAN_STEP; break;
        case "ArrowUp": vy -= h * PAN_STEP; break;
        case "ArrowDown": vy += h * PAN_STEP; break;
        case "+": case "=": zoomAt(centre(), STEP); break;
        case "-": case "_": zoomAt(centre(), 1 / STEP); break;
        case "0": reset(); break;
        default: return;
      }
      e.preventDefault();
      clamp();
      redraw();
    });

    // Tabbing to a grid outside the view brings it into view. Only for keyboard focus: moving
    // the map under a mouse press would carry the grid away from the click.
    svg.addEventListener("focusin", function (e) {
      var a = e.target.closest ? e.target.closest("a") : null;
      var shape = a && a.querySelector("path");
      if (!shape || zoom === 1) return;
      try { if (!a.matches(":focus-visible")) return; } catch (err) { /* no :focus-visible: move anyway */ }
      var b = shape.getBBox();
      var w = W / zoom, h = H / zoom;
      if (b.x >= vx && b.y >= vy && b.x + b.width <= vx + w && b.y + b.height <= vy + h) return;
      vx = b.x + b.width / 2 - w / 2;
      vy = b.y + b.height / 2 - h / 2;
      clamp();
      redraw();
    });

    if (frame) {
      frame.querySelectorAll("[data-map-zoom]").forEach(function (b) {
        b.hidden = false;
        b.addEventListener("click", function (e) {
          e.preventDefault();
          var what = b.getAttribute("data-map-zoom");
          if (what === "in") zoomAt(centre(), STEP);
          else if (what === "out") zoomAt(centre(), 1 / STEP);
          else if (what === "reset") reset();
        });
      });
    }

    // The label size and which labels fit depend on the map's width on screen.
    if (window.ResizeObserver) new ResizeObserver(redraw).observe(svg);
    else window.addEventListener("resize", redraw);
    // Paper has its own width, unknown here: print labels as laid out by the server, where they
    // scale with the map and so still fit, then go back to the screen's.
    window.addEventListener("beforeprint", function () { paint(layoutWidth); });
    window.addEventListener("afterprint", redraw);
    draw();
  }

  document.querySelectorAll("svg.gmap").forEach(setup);
})();
