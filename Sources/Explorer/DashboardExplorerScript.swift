extension DashboardScript {
    /// The latent explorer: sliders, map, interpolation, samples, and for a VQ-VAE the
    /// code grid to redraw; then the dispatch to each page's code.
    static let explorer = #"""
        const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

        async function explorerPage() {
          const run = params.get("run");
          $("title").textContent = "Latent explorer: " + run; $("run-link").textContent = run; $("run-link").href = api("/run", { name: run });
          let response;
          for (;;) {
            response = await fetch(api("/api/explorer", { run }));
            if (response.status !== 503) break;
            $("layout-note").textContent = (await response.text()).trim(); await new Promise((r) => setTimeout(r, 1000));
          }
          if (!response.ok) { $("layout-note").textContent = (await response.text()).trim(); return; }
          const layout = await response.json();
          const active = layout.dimensions.filter((d) => d.active).sort((a, b) => b.spread - a.spread);
          $("layout-note").textContent = layout.kind === "continuous"
            ? `${layout.family} · ${layout.codingSize} latent dimensions, ${active.length} active (their mean coding varies over the test images) · ${layout.testImages} test images`
            : `${layout.family} · a ${layout.grid[0]}×${layout.grid[1]} grid of codes from a codebook of ${layout.codebookSize} · ${layout.testImages} test images`;
          for (const id of ["from", "to", "grid-index"]) $(id).max = String(layout.testImages - 1);
          $("count").max = String(layout.kind === "continuous" ? layout.limits.samples : layout.limits.discreteSamples);
          if (layout.kind === "continuous") continuousExplorer(run, layout, active); else discreteExplorer(run, layout);
          interpolation(run, layout); sampling(run, layout);
        }

        function continuousExplorer(run, layout, active) {
          $("continuous").hidden = false;
          const coding = layout.dimensions.map((d) => d.mean);
          const sliders = $("sliders"), inputs = new Map();
          let inFlight = false, pending = false;
          const decode = async () => {
            if (inFlight) { pending = true; return; }
            inFlight = true;
            const ms = await showImage($("decoded"), api("/api/decode", { run, z: coding.map((v) => v.toFixed(4)).join(",") }), $("decode-time"));
            if (ms !== null) $("decode-time").textContent = `decoded in ${ms.toFixed(0)} ms (request and image)`;
            inFlight = false;
            if (pending) { pending = false; decode(); }
          };
          for (const d of active) {
            const label = element("label", "z" + d.index), input = element("input"), out = element("output", coding[d.index].toFixed(2));
            const width = 3 * Math.max(d.spread, 0.05);
            Object.assign(input, { type: "range", min: d.mean - width, max: d.mean + width, step: width / 100, value: coding[d.index] });
            input.dataset.dimension = String(d.index); label.htmlFor = input.id = "z" + d.index;
            input.addEventListener("input", () => { coding[d.index] = Number(input.value); out.textContent = coding[d.index].toFixed(2); decode(); });
            sliders.append(label, input, out); inputs.set(d.index, [input, out]);
          }
          const setCoding = (values) => {
            values.forEach((v, i) => { coding[i] = v; const pair = inputs.get(i); if (pair) { pair[0].value = v; pair[1].textContent = v.toFixed(2); } });
            decode();
          };
          $("to-zero").addEventListener("click", () => setCoding(layout.dimensions.map((d) => d.mean)));
          if (layout.map) codingMap(layout, setCoding);
          decode();
        }

        function codingMap(layout, setCoding) {
          const map = layout.map, canvas = $("map"), context = canvas.getContext("2d");
          $("map-section").hidden = false;
          $("map-note").textContent = map.kind === "pca"
            ? `The first two principal components of the mean codings (${(100 * map.explained[0]).toFixed(0)}% and ${(100 * map.explained[1]).toFixed(0)}% of their variance). Click anywhere to decode that point; the sliders follow.`
            : "The two latent dimensions. Click anywhere to decode that point; the sliders follow.";
          const xs = map.points.map((p) => p[0]), ys = map.points.map((p) => p[1]);
          const lo = [Math.min(...xs), Math.min(...ys)], hi = [Math.max(...xs), Math.max(...ys)], margin = 16;
          const span = [Math.max(hi[0] - lo[0], 1e-6), Math.max(hi[1] - lo[1], 1e-6)];
          const toCanvas = (x, y) => [margin + (x - lo[0]) / span[0] * (canvas.width - 2 * margin), canvas.height - margin - (y - lo[1]) / span[1] * (canvas.height - 2 * margin)];
          const fromCanvas = (cx, cy) => [lo[0] + (cx - margin) / (canvas.width - 2 * margin) * span[0], lo[1] + (canvas.height - margin - cy) / (canvas.height - 2 * margin) * span[1]];
          let marker = null;
          const draw = () => {
            context.clearRect(0, 0, canvas.width, canvas.height);
            for (const [x, y, label] of map.points) {
              const [cx, cy] = toCanvas(x, y);
              context.fillStyle = label >= 0 ? palette[label % palette.length] : "#777"; context.globalAlpha = 0.6;
              context.fillRect(cx - 1.5, cy - 1.5, 3, 3);
            }
            context.globalAlpha = 1;
            if (marker) { context.strokeStyle = "#000"; context.lineWidth = 2; context.beginPath(); context.arc(marker[0], marker[1], 7, 0, 2 * Math.PI); context.stroke(); }
          };
          canvas.addEventListener("click", (event) => {
            const box = canvas.getBoundingClientRect();
            marker = [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
            const [x, y] = fromCanvas(marker[0], marker[1]);
            canvas.dataset.clicks = String(Number(canvas.dataset.clicks || 0) + 1);
            draw(); setCoding(map.origin.map((o, i) => o + x * map.axes[0][i] + y * map.axes[1][i]));
          });
          const legend = $("legend"); legend.replaceChildren();
          layout.classes.forEach((name, i) => { const item = element("li"), swatch = element("span"); swatch.style.background = palette[i % palette.length]; item.append(swatch, name); legend.appendChild(item); });
          draw();
        }

        function discreteExplorer(run, layout) {
          $("discrete").hidden = false;
          const canvas = $("grid"), context = canvas.getContext("2d"), [rows, columns] = layout.grid;
          const picture = new Image();
          let start = null, region = { top: 0, left: 0, height: Math.ceil(rows / 2), width: columns };
          const cell = (event) => { const box = canvas.getBoundingClientRect(); return [Math.min(rows - 1, Math.max(0, Math.floor((event.clientY - box.top) / box.height * rows))), Math.min(columns - 1, Math.max(0, Math.floor((event.clientX - box.left) / box.width * columns)))]; };
          const draw = () => {
            context.imageSmoothingEnabled = false; context.clearRect(0, 0, canvas.width, canvas.height);
            // The picture is the test image and its reconstruction, each inside a 2-pixel border.
            const side = (picture.naturalWidth - 6) / 2;
            if (picture.complete && picture.naturalWidth) context.drawImage(picture, 4 + side, 2, side, picture.naturalHeight - 4, 0, 0, canvas.width, canvas.height);
            const w = canvas.width / columns, h = canvas.height / rows;
            context.strokeStyle = "rgba(255,255,255,0.35)"; context.lineWidth = 1;
            for (let i = 1; i < columns; i++) { context.beginPath(); context.moveTo(i * w, 0); context.lineTo(i * w, canvas.height); context.stroke(); }
            for (let i = 1; i < rows; i++) { context.beginPath(); context.moveTo(0, i * h); context.lineTo(canvas.width, i * h); context.stroke(); }
            context.fillStyle = "rgba(255,120,0,0.35)"; context.fillRect(region.left * w, region.top * h, region.width * w, region.height * h);
          };
          const redraw = () => showImage($("redrawn"), api("/api/redraw", { run, index: $("grid-index").value, ...region, seed: String(Math.floor(Math.random() * 1e9)) }), $("redraw-note"));
          const load = async () => { await showImage(picture, api("/api/test-image", { run, index: $("grid-index").value }), $("redraw-note")); redraw(); };
          picture.onload = draw;
          canvas.addEventListener("mousedown", (event) => { start = cell(event); });
          canvas.addEventListener("mousemove", (event) => { if (!start) return; const [r, c] = cell(event); region = { top: Math.min(r, start[0]), left: Math.min(c, start[1]), height: Math.abs(r - start[0]) + 1, width: Math.abs(c - start[1]) + 1 }; draw(); });
          window.addEventListener("mouseup", () => { start = null; });
          $("grid-index").addEventListener("change", load);
          $("redraw").addEventListener("click", redraw);
          load();
        }

        function interpolation(run, layout) {
          const go = () => showImage($("interpolation"), api("/api/interpolate", { run, from: $("from").value, to: $("to").value, steps: $("steps").value }), $("interpolation-note"));
          $("interpolate").addEventListener("click", go);
          $("random-pair").addEventListener("click", () => { $("from").value = Math.floor(Math.random() * layout.testImages); $("to").value = Math.floor(Math.random() * layout.testImages); go(); });
          go();
        }

        function sampling(run, layout) {
          const select = $("prior"); select.replaceChildren(...layout.priors.map((p) => { const o = element("option", p); o.value = p; return o; }));
          $("prior-note").textContent = layout.priorNotes.join("; ");
          const go = () => showImage($("samples"), api("/api/samples", { run, prior: select.value, count: $("count").value, seed: $("seed").value }), $("prior-note"));
          $("sample").addEventListener("click", go);
          if (layout.priors.length) go(); else $("sample").disabled = true;
        }

        if (page === "runs") runsPage(); else if (page === "run") runPage(); else if (page === "explorer") explorerPage();
        """#
}
