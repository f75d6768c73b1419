import Foundation

/// The dashboard's three pages: plain HTML that loads one style sheet and one script from
/// the same server, with no other source (no CDN, no npm) and no inline code, so a strict
/// content-security policy holds.
public enum DashboardPages {
    public enum Page: String, Sendable {
        case runs, run, explorer
    }

    static func page(_ page: Page) -> DashboardResponse {
        let body: String
        switch page {
        case .runs:
            body = """
                <header><h1>Runs</h1><p class="note">Every run folder under the served folder. Curves of runs in training update as each epoch ends.</p></header>
                <main><table id="runs"><thead><tr><th>run</th><th>model and options</th><th>progress</th><th>loss</th><th>validation loss</th><th>validation curve</th><th></th></tr></thead><tbody></tbody></table>
                <p id="empty" class="note" hidden>No runs yet: <code>vae train --out runs/book</code> makes one.</p></main>
                """
        case .run:
            body = """
                <header><p><a href="/">Runs</a></p><h1 id="title">Run</h1><p id="model" class="note"></p><p id="status" class="note"></p>
                <p><a id="explore" href="#">Explore its latent space →</a></p></header>
                <main>
                <section><h2>Loss curves</h2><div class="charts"><figure><div id="curve-total" class="chart"></div><figcaption>loss per epoch: training (solid) and validation (dashed)</figcaption></figure>
                <figure><div id="curve-parts" class="chart"></div><figcaption>validation reconstruction term and KL divergence (nats, right-hand scale)</figcaption></figure>
                <figure id="prior-figure" hidden><div id="curve-prior" class="chart"></div><figcaption>the prior's loss per epoch (nats per image)</figcaption></figure></div></section>
                <section><h2>Pictures</h2><div id="pictures" class="pictures"></div></section>
                <section id="evaluation-section" hidden><h2>Evaluation</h2><table id="evaluation"></table></section>
                </main>
                """
        case .explorer:
            body = """
                <header><p><a href="/">Runs</a> · <a id="run-link" href="#">run</a></p><h1 id="title">Latent explorer</h1><p id="layout-note" class="note">Loading the model and encoding the test images…</p></header>
                <main class="explorer">
                <div class="row">
                <section id="continuous" hidden><h2>Move through the latent space</h2>
                <div class="row"><div><img id="decoded" class="decoded" alt="the decoded coding"><p id="decode-time" class="note"></p>
                <button id="to-zero" type="button">all to the mean</button></div>
                <div id="sliders" class="sliders"></div></div></section>
                <section id="map-section" hidden><h2>The test images' mean codings</h2>
                <canvas id="map" width="440" height="440"></canvas><ul id="legend" class="legend"></ul><p id="map-note" class="note"></p></section>
                </div>
                <section id="discrete" hidden><h2>Redraw part of the code grid</h2>
                <p class="note">A VQ-VAE's codes form a grid of symbols, not a space to move through: pick a test image, drag over cells of its code grid, and the prior draws those codes again, each given the codes before it in reading order.</p>
                <div class="row"><div><canvas id="grid" width="280" height="280"></canvas><p class="note">test image <input id="grid-index" type="number" min="0" value="0"> <button id="redraw" type="button">redraw the cells</button></p><p id="redraw-note" class="note"></p></div>
                <figure><img id="redrawn" alt="the image, its reconstruction and the redrawn version"><figcaption>the image, its reconstruction, the cells redrawn</figcaption></figure></div></section>
                <section><h2>Interpolation</h2><p class="note">From test image A to test image B: through the model's codings (top row) and blended in pixel space (bottom row).</p>
                <p>A <input id="from" type="number" min="0" value="0"> B <input id="to" type="number" min="0" value="1"> steps <input id="steps" type="number" min="1" max="16" value="7">
                <button id="interpolate" type="button">interpolate</button> <button id="random-pair" type="button">a random pair</button></p><p id="interpolation-note" class="note"></p><img id="interpolation" alt="the interpolation"></section>
                <section><h2>Samples</h2><p>prior <select id="prior"></select> count <input id="count" type="number" min="1" value="16"> seed <input id="seed" type="number" min="0" value="1">
                <button id="sample" type="button">sample</button></p><p id="prior-note" class="note"></p><img id="samples" alt="samples"></section>
                </main>
                """
        }
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>vae serve</title><link rel="stylesheet" href="/dashboard.css"></head>
            <body data-page="\(page.rawValue)">
            \(body)
            <script src="/dashboard.js"></script></body></html>
            """
        return DashboardResponse(contentType: "text/html; charset=utf-8", body: Data(html.utf8))
    }

    static var script: DashboardResponse {
        DashboardResponse(contentType: "text/javascript; charset=utf-8",
                          body: Data((DashboardScript.common + DashboardScript.runs + DashboardScript.explorer).utf8))
    }

    static var styles: DashboardResponse {
        DashboardResponse(contentType: "text/css; charset=utf-8", body: Data(DashboardStyles.css.utf8))
    }
}
