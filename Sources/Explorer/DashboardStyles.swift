/// The dashboard's style sheet.
enum DashboardStyles {
    static let css = """
        body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 24px 48px; color: #1d1d1f; background: #fbfbfb; }
        h1 { font-size: 26px; margin: 8px 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
        a { color: #0b5cad; } .note { color: #555; margin: 4px 0; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e3e3e3; vertical-align: middle; }
        th { font-weight: 600; font-size: 13px; color: #444; }
        td.number { font-variant-numeric: tabular-nums; }
        .progress { width: 120px; height: 8px; background: #e6e6e6; border-radius: 4px; overflow: hidden; display: inline-block; vertical-align: middle; margin-right: 6px; }
        .progress > span { display: block; height: 100%; background: #2f7ed8; }
        .training { color: #0a7d32; font-weight: 600; }
        .charts { display: flex; flex-wrap: wrap; gap: 16px; } figure { margin: 0; }
        .chart { width: 540px; height: 300px; background: #fff; border: 1px solid #e3e3e3; }
        .spark { width: 160px; height: 36px; }
        .pictures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        .pictures img { image-rendering: pixelated; max-width: 100%; border: 1px solid #e3e3e3; }
        .row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
        .decoded { width: 224px; height: 224px; image-rendering: pixelated; border: 1px solid #ccc; background: #000; }
        .sliders { display: grid; grid-template-columns: 40px 200px 48px; gap: 4px 10px; align-items: center; max-height: 520px; overflow-y: auto; }
        .sliders label { font-size: 13px; color: #333; } .sliders output { font-size: 12px; color: #555; font-variant-numeric: tabular-nums; }
        #map-section .note { max-width: 440px; }
        canvas#map, canvas#grid { border: 1px solid #ccc; background: #fff; cursor: crosshair; }
        .legend { list-style: none; padding: 0; margin: 6px 0; font-size: 13px; max-width: 440px; } .legend li { display: inline-block; margin-right: 12px; } .legend span { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: middle; }
        img#interpolation, img#samples, img#redrawn { image-rendering: pixelated; max-width: 100%; }
        input[type=number] { width: 64px; } button { margin-left: 4px; }
        """
}
