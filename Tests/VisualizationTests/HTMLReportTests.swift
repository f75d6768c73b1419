import Storage
import Foundation
import NumericCore
import Testing
import TestSupport
import Visualization

@Suite struct HTMLReportTests {
    static func gridPNG() throws -> Data {
        let images = Matrix(rows: 2, columns: 4, values: [0, 1, 1, 0, 0.5, 0.5, 0, 1])
        return try ImageGrid(imageHeight: 2, imageWidth: 2, columns: 2, scale: 2, border: 1).png(images)
    }

    static let chart = LineChart(title: "loss", xLabel: "epoch", yLabel: "loss",
                                 series: [.init(name: "training", points: [(1, 2), (2, 1)], color: LineChart.palette[0])])

    static func report() throws -> HTMLReport {
        var report = HTMLReport(title: "Study <β> & friends")
        report.paragraph("Seeds 1, 2 & 3; x < y.")
        report.section("Numbers")
        report.table(header: ["β", "Fréchet distance", "note"], rows: [
            ["0.5", "12.3 ± 0.4", "sharp | clear"],
            ["4", "−7", ""],
            ["16", "—", "*collapsed*"],
        ])
        report.section("Pictures")
        report.figure(.png(try gridPNG(), caption: "Samples for β = 4", fileName: "samples.png"))
        report.figureRow([
            .svg("<?xml version=\"1.0\"?>\n" + chart.svg, caption: "Loss", fileName: "figures/loss.svg"),
            .png(try gridPNG(), caption: "Reconstructions", fileName: "reconstructions.png"),
        ])
        return report
    }

    @Test func pageIsWellFormedAndEscapesText() throws {
        let html = try Self.report().html
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        let document = try #require(ParsedXML(html), "the page is not well-formed")
        #expect(document.elements(named: "title").first?.text == "Study <β> & friends")
        #expect(document.elements(named: "h1").first?.text == "Study <β> & friends")
        #expect(html.contains("Study &lt;β&gt; &amp; friends") && !html.contains("<β>"))
        #expect(document.elements(named: "p").first?.text == "Seeds 1, 2 & 3; x < y.")
        #expect(document.elements(named: "h2").map(\.text) == ["Numbers", "Pictures"])
        #expect(document.elements(named: "section").count == 2)
        #expect(document.elements(named: "style").first?.text.contains(".row") == true)
        #expect(document.elements(named: "figcaption").map(\.text) == ["Samples for β = 4", "Loss", "Reconstructions"])
        #expect(document.elements(named: "div").first?.attributes["class"] == "row")
        // The SVG is inline, without its XML declaration; nothing refers to another file.
        #expect(document.elements(named: "svg").count == 1 && !html.contains("<?xml"))
        #expect(!html.contains("samples.png") && !html.contains("src=\"http") && !html.contains("href="))
    }

    @Test func numberColumnsAreRightAligned() throws {
        let document = try #require(ParsedXML(try Self.report().html))
        let header = document.elements(named: "th")
        #expect(header.map { $0.attributes["class"] } == [.some("number"), .some("number"), nil])
        let cells = document.elements(named: "td")
        #expect(cells.count == 9)
        #expect(cells[1].attributes["class"] == "number" && cells[1].text == "12.3 ± 0.4")
        #expect(cells[2].attributes["class"] == nil && cells[2].text == "sharp | clear")
    }

    @Test func pngIsEmbeddedAsBase64() throws {
        let document = try #require(ParsedXML(try Self.report().html))
        let images = document.elements(named: "img")
        #expect(images.count == 2)
        let prefix = "data:image/png;base64,"
        let source = try #require(images.first?.attributes["src"])
        #expect(source.hasPrefix(prefix))
        let bytes = try #require(Data(base64Encoded: String(source.dropFirst(prefix.count))))
        #expect(bytes == (try Self.gridPNG()))
        #expect(PNG.decode(bytes)?.width == 2 * 2 * 2 + 3)
        #expect(images.first?.attributes["alt"] == "Samples for β = 4")
    }

    @Test func markdownHasTheSameContentAndRefersToTheFiles() throws {
        let markdown = try Self.report().markdown
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "# Study \\<β\\> & friends")
        #expect(lines.contains("## Numbers") && lines.contains("## Pictures"))
        #expect(lines.contains("| β | Fréchet distance | note |"))
        #expect(lines.contains("| ---: | ---: | --- |"))
        #expect(lines.contains("| 0.5 | 12.3 ± 0.4 | sharp \\| clear |"))
        #expect(lines.contains("| 16 | — | \\*collapsed\\* |"))
        #expect(lines.contains("![Samples for β = 4](samples.png)"))
        #expect(lines.contains("*Samples for β = 4*"))
        #expect(lines.contains("| ![Loss](figures/loss.svg) | ![Reconstructions](reconstructions.png) |"))
        #expect(lines.contains("| Loss | Reconstructions |"))
        #expect(!markdown.contains("base64"))
    }

    /// A link to a file kept beside the report: the only thing a page refers to, and only
    /// where a report asks for it.
    @Test func aLinkedParagraphLinksToItsFileInBothForms() throws {
        var report = HTMLReport(title: "t")
        report.paragraph("Read by a person <here>:", linkText: "the reading", target: "README.md")
        let document = try #require(ParsedXML(report.html))
        let link = try #require(document.elements(named: "a").first)
        #expect(link.attributes["href"] == "README.md" && link.text == "the reading")
        #expect(document.elements(named: "p").first?.text == "Read by a person <here>: .")
        #expect(report.markdown.contains("Read by a person \\<here\\>: [the reading](README.md).\n"))
    }

    @Test func markdownTextIsShownAsWritten() {
        var report = HTMLReport(title: "t")
        report.paragraph("- not a list\n1. not numbered\n# not a heading\n2.5 nats, -0.5 and a_b")
        report.figure(.png(Data(), caption: "", fileName: "my picture (1).png"))
        let markdown = report.markdown
        #expect(markdown.contains("\\- not a list\n1\\. not numbered\n\\# not a heading\n2.5 nats, -0.5 and a\\_b\n"))
        #expect(markdown.contains("![](my%20picture%20%281%29.png)\n"))
    }

    @Test func writesThePageTheMarkdownAndTheFigures() throws {
        let folder = TemporaryFolders.make("html-report")
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try Self.report()
        try report.write(in: folder)
        #expect(try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8) == report.html)
        #expect(try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8) == report.markdown)
        #expect(try Data(contentsOf: folder.appendingPathComponent("samples.png")) == (try Self.gridPNG()))
        #expect(try String(contentsOf: folder.appendingPathComponent("figures/loss.svg"), encoding: .utf8).contains("<svg"))

        var escaping = HTMLReport(title: "bad")
        escaping.figure(.png(Data(), caption: "", fileName: "../outside.png"))
        #expect(throws: FileError.self) { try escaping.write(in: folder) }
        var twice = HTMLReport(title: "twice")
        twice.figureRow([.png(Data(), caption: "", fileName: "a.png"), .png(Data(), caption: "", fileName: "a.png")])
        #expect(throws: FileError.self) { try twice.write(in: folder) }
        // Without markdown, only the page.
        let pageOnly = folder.appendingPathComponent("page-only")
        try escaping.write(in: pageOnly, markdown: nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: pageOnly.path) == ["index.html"])
    }
}
