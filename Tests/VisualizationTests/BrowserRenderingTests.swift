import Foundation
import NumericCore
import Testing
import TestSupport
import Visualization

/// A report opened in a real browser: what a reader of `index.html` sees, not only what
/// the markup says. Skipped where no chromium is installed, unless CI is set.
@Suite struct BrowserRenderingTests {
    /// Six 8 × 8 images, red with a black 2 × 2 square in the middle, scaled 4×: a picture
    /// whose colours nothing else on the page uses, easy to find in a screenshot.
    static let grid = ImageGrid(imageHeight: 8, imageWidth: 8, channels: 3, columns: 3, scale: 4, border: 2)
    static func gridImages() -> Matrix {
        let images = Matrix(rows: 6, columns: 8 * 8 * 3)
        for index in 0..<6 {
            for y in 0..<8 {
                for x in 0..<8 where !(3...4).contains(x) || !(3...4).contains(y) {
                    images[index, (y * 8 + x) * 3] = 1
                }
            }
        }
        return images
    }

    static func page() throws -> HTMLReport {
        var report = HTMLReport(title: "Rendering check")
        report.paragraph("A grid of images, a line chart and a scatter plot, as the study's page shows them.")
        report.figure(.png(try grid.png(gridImages()), caption: "Red images with black centres", fileName: "grid.png"))
        let line = LineChart(title: "Loss", xLabel: "epoch", yLabel: "loss", series: [
            .init(name: "training", points: (1...20).map { (Double($0), 1 / Double($0)) }, color: LineChart.palette[0]),
        ])
        var generator = SeededGenerator(seed: 5)
        let points = (0..<3000).map { _ in (x: Double(generator.nextNormal()), y: Double(generator.nextNormal())) }
        var scatter = ScatterPlot(title: "Codings", xLabel: "z₀", yLabel: "z₁",
                                  series: [.init(name: "codings", points: points, color: LineChart.palette[2])],
                                  ellipses: [.circle(name: "1σ", radius: 1), .circle(name: "2σ", radius: 2)])
        scatter.equalAspect = true
        report.section("Charts")
        report.figureRow([.svg(line.svg, caption: "Loss", fileName: "loss.svg"),
                          .svg(scatter.svg, caption: "Codings", fileName: "codings.svg")])
        return report
    }

    /// The smallest rectangle holding every pixel that `matches`, or nil if none does.
    static func bounds(_ screenshot: (pixels: [UInt8], width: Int, height: Int, channels: Int),
                       where matches: (UInt8, UInt8, UInt8) -> Bool) -> (left: Int, top: Int, right: Int, bottom: Int)? {
        var box: (left: Int, top: Int, right: Int, bottom: Int)?
        for y in 0..<screenshot.height {
            for x in 0..<screenshot.width {
                let i = (y * screenshot.width + x) * screenshot.channels
                guard matches(screenshot.pixels[i], screenshot.pixels[i + 1], screenshot.pixels[i + 2]) else { continue }
                box = box.map { (min($0.left, x), min($0.top, y), max($0.right, x), max($0.bottom, y)) } ?? (x, y, x, y)
            }
        }
        return box
    }

    @Test(.enabled(if: HeadlessBrowser.executable != nil || HeadlessBrowser.required,
                   "needs chromium (apt-get install chromium) unless CI is set"))
    func reportLooksRightInABrowser() throws {
        guard HeadlessBrowser.executable != nil else {
            Issue.record("CI is set but no chromium is installed: `make test` installs it, or `apt-get install chromium`")
            return
        }
        let folder = TemporaryFolders.make("browser")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.page().write(in: folder, markdown: nil)
        let shot = try HeadlessBrowser.screenshot(of: folder.appendingPathComponent("index.html"), width: 1200, height: 1600,
                                                  folder: folder)
        #expect(shot.width == 1200 && shot.height == 1600 && shot.channels >= 3)

        // Not blank: many colours, and a fair share of the page is not white.
        let (colours, inked) = HeadlessBrowser.ink(of: shot)
        #expect(colours > 200, "\(colours) colours")
        #expect(inked > shot.width * shot.height / 50, "\(inked) pixels not white")

        // The grid stands where its red is, at its own size: from the first image's left
        // border to the last one's, 3 × 32 + 2 × 2 pixels across and 2 × 32 + 2 across.
        let red = try #require(Self.bounds(shot) { r, g, b in r > 200 && g < 60 && b < 60 }, "no red image on the page")
        #expect(red.right - red.left + 1 == 3 * 32 + 2 * 2 && red.bottom - red.top + 1 == 2 * 32 + 2,
                "red from (\(red.left), \(red.top)) to (\(red.right), \(red.bottom))")
        // Each image's black centre (8 × 8 screen pixels) sits in the middle of its cell.
        for index in 0..<6 {
            let cellLeft = red.left + (index % 3) * 34, cellTop = red.top + (index / 3) * 34
            for (dx, dy) in [(12, 12), (19, 19), (15, 16)] {
                let i = ((cellTop + dy) * shot.width + cellLeft + dx) * shot.channels
                #expect(shot.pixels[i] < 40 && shot.pixels[i + 1] < 40 && shot.pixels[i + 2] < 40, "image \(index) at +\(dx),+\(dy)")
            }
            let i = ((cellTop + 4) * shot.width + cellLeft + 4) * shot.channels
            #expect(shot.pixels[i] > 200 && shot.pixels[i + 1] < 60, "image \(index) is red at its corner")
        }

        // The line chart's blue line below the grid, the scatter plot's green dots below that.
        let blue = Self.bounds(shot) { r, g, b in r < 40 && (100...130).contains(g) && b > 160 }
        let green = Self.bounds(shot) { r, g, b in Int(g) > Int(r) + 40 && Int(g) > Int(b) + 10 }
        let line = try #require(blue, "no line chart on the page")
        let dots = try #require(green, "no scatter plot on the page")
        #expect(line.top > red.bottom && dots.top > line.top, "line chart at \(line), scatter at \(dots)")
        // The equal-aspect scatter of a round cloud is about as wide as it is tall.
        let (width, height) = (dots.right - dots.left, dots.bottom - dots.top)
        #expect(abs(width - height) < max(width, height) / 4, "scatter dots span \(width) × \(height)")
    }
}
