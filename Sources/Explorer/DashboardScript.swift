/// The dashboard's script, in three parts: what every page shares (requests, charts, the
/// live stream), the runs and run pages, and the latent explorer (`DashboardExplorerScript`).
enum DashboardScript {
    static let common = #"""
        "use strict";
        const page = document.body.dataset.page;
        const $ = (id) => document.getElementById(id);
        const params = new URLSearchParams(location.search);
        const format = (x) => x === null || x === undefined ? "–" : (Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(3) : x.toPrecision(4));
        const element = (tag, text, className) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (className) e.className = className; return e; };
        const api = (path, query) => path + "?" + new URLSearchParams(query).toString();

        // An image from the API into an <img>, or the server's one-line reason into `note`.
        async function showImage(img, url, note) {
          const started = performance.now();
          const response = await fetch(url);
          if (!response.ok) { if (note) note.textContent = (await response.text()).trim(); return null; }
          const bytes = new Uint8Array(await response.arrayBuffer());
          let checksum = 0; for (const b of bytes) checksum = (checksum * 31 + b) >>> 0;
          if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
          img.src = URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
          img.dataset.checksum = String(checksum);
          img.dataset.version = String(Number(img.dataset.version || 0) + 1);
          if (note) note.textContent = "";
          return performance.now() - started;
        }

        function modelText(c) {
          const m = c.model, family = m.family || "vae";
          const names = { vae: "VAE", "vq-vae": "VQ-VAE", "two-stage": "two-stage VAE", rae: "regularised autoencoder" };
          const parts = [names[family] || family, m.architecture, m.likelihood];
          if (family !== "vq-vae") parts.push("coding " + m.codingSize);
          if (m.beta !== 1) parts.push("β " + m.beta);
          parts.push(m.imageHeight + "×" + m.imageWidth + (m.channels === 3 ? " colour" : ""));
          return parts.join(" · ");
        }

        function optionsText(c) {
          const t = c.training, parts = [t.optimizer + " " + t.learningRate, "batch " + t.batchSize, "seed " + c.seed];
          if (t.klWarmUp) parts.push("KL warm-up " + t.klWarmUp);
          if (t.priorEpochs) parts.push("prior " + t.priorEpochs + " epochs");
          parts.push(c.data.folder.split("/").filter((p) => p).pop() + (c.data.limit ? " (first " + c.data.limit + ")" : ""));
          return parts.join(" · ");
        }

        // A line chart in SVG: series of [x, y] points, each on the left or right scale.
        function lineChart(container, series, options = {}) {
          const ns = "http://www.w3.org/2000/svg", width = container.clientWidth || 540, height = container.clientHeight || 300;
          const pad = options.compact ? { l: 2, r: 2, t: 2, b: 2 } : { l: 58, r: series.some((s) => s.right) ? 58 : 14, t: 12, b: 30 };
          const svg = document.createElementNS(ns, "svg");
          svg.setAttribute("width", width); svg.setAttribute("height", height);
          const all = series.flatMap((s) => s.points);
          svg.dataset.points = String(series.length ? series[0].points.length : 0);
          container.replaceChildren(svg);
          if (!all.length) return;
          const xs = all.map((p) => p[0]), xMin = Math.min(...xs), xMax = Math.max(...xs, xMin + 1);
          const range = (points) => { const ys = points.map((p) => p[1]); let lo = Math.min(...ys), hi = Math.max(...ys); if (hi === lo) { hi += 1e-6 + Math.abs(hi) * 0.01; lo -= 1e-6 + Math.abs(lo) * 0.01; } return [lo, hi]; };
          const left = range(series.filter((s) => !s.right).flatMap((s) => s.points));
          const rightPoints = series.filter((s) => s.right).flatMap((s) => s.points), right = rightPoints.length ? range(rightPoints) : null;
          const X = (x) => pad.l + (x - xMin) / (xMax - xMin) * (width - pad.l - pad.r);
          const Y = (y, r) => pad.t + (1 - (y - r[0]) / (r[1] - r[0])) * (height - pad.t - pad.b);
          const add = (tag, attributes, text) => { const e = document.createElementNS(ns, tag); for (const k in attributes) e.setAttribute(k, attributes[k]); if (text !== undefined) e.textContent = text; svg.appendChild(e); return e; };
          if (!options.compact) {
            add("rect", { x: pad.l, y: pad.t, width: width - pad.l - pad.r, height: height - pad.t - pad.b, fill: "none", stroke: "#ccc" });
            for (let i = 0; i <= 4; i++) {
              const y = left[0] + (left[1] - left[0]) * i / 4;
              add("text", { x: pad.l - 6, y: Y(y, left) + 4, "text-anchor": "end", "font-size": 11, fill: "#555" }, format(y));
              if (right) { const v = right[0] + (right[1] - right[0]) * i / 4; add("text", { x: width - pad.r + 6, y: Y(v, right) + 4, "font-size": 11, fill: "#555" }, format(v)); }
            }
            const step = Math.max(1, Math.ceil((xMax - xMin) / 8));
            for (let x = Math.ceil(xMin); x <= xMax; x += step) add("text", { x: X(x), y: height - 10, "text-anchor": "middle", "font-size": 11, fill: "#555" }, String(x));
          }
          for (const s of series) {
            if (!s.points.length) continue;
            const r = s.right ? right : left;
            const d = s.points.map((p, i) => (i ? "L" : "M") + X(p[0]).toFixed(1) + " " + Y(p[1], r).toFixed(1)).join(" ");
            add("path", { d, fill: "none", stroke: s.color, "stroke-width": options.compact ? 1.5 : 2, "stroke-dasharray": s.dashed ? "6 4" : "none" });
            if (s.points.length === 1) add("circle", { cx: X(s.points[0][0]), cy: Y(s.points[0][1], r), r: 3, fill: s.color });
          }
          if (options.legend) options.legend.forEach((name, i) => add("text", { x: pad.l + 8, y: pad.t + 16 + 15 * i, "font-size": 12, fill: series[i].color }, name));
        }

        // The live stream: a handler per event type; the browser reconnects by itself.
        function live(handlers) {
          const source = new EventSource("/api/events");
          for (const type in handlers) source.addEventListener(type, (event) => handlers[type](JSON.parse(event.data)));
          return source;
        }
        """#

    static let runs = #"""
        function progressCell(summary) {
          const planned = summary.configuration.training.epochs, done = summary.history.length;
          const cell = element("td"), bar = element("span", undefined, "progress"), fill = element("span");
          fill.style.width = Math.min(100, 100 * done / Math.max(planned, 1)) + "%";
          bar.appendChild(fill); cell.append(bar, done + " / " + planned + " epochs");
          if (summary.training) cell.append(" ", element("span", "training", "training"));
          return cell;
        }

        function runRow(summary) {
          const row = element("tr"); row.dataset.run = summary.name;
          const link = element("a", summary.name); link.href = api("/run", { name: summary.name });
          const last = summary.history[summary.history.length - 1];
          const spark = element("div", undefined, "spark");
          const model = element("td", modelText(summary.configuration)); model.appendChild(element("div", optionsText(summary.configuration), "note"));
          row.append(element("td"), model, progressCell(summary),
                     element("td", last ? format(last.loss.total) : "–", "number"),
                     element("td", last && last.validation ? format(last.validation.total) : "–", "number"), element("td"), element("td"));
          row.cells[0].appendChild(link); row.cells[5].appendChild(spark);
          const explore = element("a", "explore"); explore.href = api("/explore", { run: summary.name }); row.cells[6].appendChild(explore);
          requestAnimationFrame(() => lineChart(spark, [{ points: summary.history.filter((r) => r.validation).map((r) => [r.epoch, r.validation.total]), color: "#d0542c" }], { compact: true }));
          return row;
        }

        function runsPage() {
          const body = $("runs").tBodies[0];
          const place = (summary) => {
            const row = runRow(summary), old = body.querySelector(`tr[data-run="${CSS.escape(summary.name)}"]`);
            if (old) old.replaceWith(row); else body.appendChild(row);
            $("empty").hidden = body.rows.length > 0;
          };
          const damaged = (r) => {
            const row = element("tr"), old = body.querySelector(`tr[data-run="${CSS.escape(r.name)}"]`);
            row.dataset.run = r.name; row.append(element("td", r.name), element("td", "cannot be read: " + r.problem, "note"));
            row.cells[1].colSpan = 6;
            if (old) old.replaceWith(row); else body.appendChild(row);
            $("empty").hidden = true;
          };
          live({ run: place, damaged, removed: (r) => { body.querySelector(`tr[data-run="${CSS.escape(r.name)}"]`)?.remove(); $("empty").hidden = body.rows.length > 0; } });
          setTimeout(() => { $("empty").hidden = body.rows.length > 0; }, 1500);
        }

        const evaluationRows = [
          ["loss", "test loss (training's units)"], ["reconstructionNats", "reconstruction, nats per image"], ["klDivergence", "KL divergence, nats per image"],
          ["negativeELBO", "−ELBO, nats per image (a bound on −log p(x))"], ["bitsPerDimension", "bits per dimension"], ["squaredErrorPerPixel", "squared error per pixel"],
          ["decoderScale", "learned σ of the likelihood"], ["classifierAccuracy", "classifier's test accuracy"],
        ];

        function evaluationTable(e) {
          const table = $("evaluation"); table.replaceChildren();
          const row = (name, value) => { const r = element("tr"); r.append(element("th", name), element("td", value, "number")); table.appendChild(r); };
          for (const [key, name] of evaluationRows) if (typeof e[key] === "number") row(name, format(e[key]));
          if (e.latentUsage) row("active latent dimensions", String(e.latentUsage.activeUnits));
          if (e.codebookUsage) row("codebook vectors used", e.codebookUsage.codesUsed + " of " + e.codebookUsage.codebookSize);
          for (const [key, name] of [["samples", "samples (" + (e.prior || "prior") + ")"], ["realData", "real training images"]]) {
            const q = e[key]; if (!q) continue;
            row(name + ": Fréchet distance / precision / recall", [q.frechetDistance, q.precision, q.recall].map(format).join(" / "));
          }
          $("evaluation-section").hidden = table.rows.length === 0;
        }

        function runPage() {
          const name = params.get("name");
          $("title").textContent = name; $("explore").href = api("/explore", { run: name });
          let shownStamp = null;
          const show = (s) => {
            if (s.name !== name || s.stamp === shownStamp) return;
            shownStamp = s.stamp;
            $("model").textContent = modelText(s.configuration) + " — " + optionsText(s.configuration);
            const last = s.history[s.history.length - 1];
            $("status").textContent = (s.training ? "Training: " : "") + s.history.length + " of " + s.configuration.training.epochs + " epochs" + (last ? " · last epoch " + last.seconds.toFixed(1) + " s" : "");
            const h = s.history;
            lineChart($("curve-total"), [
              { points: h.map((r) => [r.epoch, r.loss.total]), color: "#2f7ed8" },
              { points: h.filter((r) => r.validation).map((r) => [r.epoch, r.validation.total]), color: "#d0542c", dashed: true }], { legend: ["training", "validation"] });
            const v = h.filter((r) => r.validation);
            lineChart($("curve-parts"), [
              { points: v.map((r) => [r.epoch, r.validation.reconstruction]), color: "#2f7ed8" },
              { points: v.map((r) => [r.epoch, r.validation.divergence]), color: "#7a3fb0", right: true }], { legend: ["reconstruction", "KL (nats)"] });
            $("prior-figure").hidden = s.priorHistory.length === 0;
            if (s.priorHistory.length) lineChart($("curve-prior"), [
              { points: s.priorHistory.map((r) => [r.epoch, r.loss.total]), color: "#2f7ed8" },
              { points: s.priorHistory.filter((r) => r.validation).map((r) => [r.epoch, r.validation.total]), color: "#d0542c", dashed: true }]);
            const pictures = $("pictures"); pictures.replaceChildren();
            for (const file of s.pictures) {
              const figure = element("figure"), img = element("img"); img.alt = file;
              img.src = api("/api/file", { run: name, name: file, v: s.stamp });
              figure.append(img, element("figcaption", file)); pictures.appendChild(figure);
            }
            if (s.evaluated) fetch(api("/api/file", { run: name, name: "evaluation.json", v: s.stamp })).then((r) => r.ok ? r.json() : null).then((e) => e && evaluationTable(e));
          };
          fetch(api("/api/run", { name })).then(async (r) => r.ok ? show(await r.json()) : ($("status").textContent = (await r.text()).trim()));
          live({ run: show });
        }
        """#
}
