import Storage
import CStb
import Foundation
import NumericCore
import Testing
import Visualization

@Suite struct ImageGridTests {
    /// libpng writes what stb_image reads back, for every channel count PNG has.
    @Test(arguments: [1, 2, 3, 4])
    func pngRoundTripsEveryChannelCount(channels: Int) throws {
        let (width, height) = (37, 11)
        let pixels = (0..<width * height * channels).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / 5) }
        let decoded = try #require(PNG.decode(try PNG.encode(pixels: pixels, width: width, height: height, channels: channels)))
        #expect(decoded.width == width && decoded.height == height && decoded.channels == channels)
        #expect(decoded.pixels == pixels)
        #expect(throws: FileError.self) { try PNG.encode(pixels: [0, 0, 0, 0, 0], width: 1, height: 1, channels: 5) }
    }

    @Test func gridHasTheExpectedSizeAndPixels() throws {
        let images = Matrix(rows: 5, columns: 4)  // five 2×2 images
        images.assign([0, 1, 0.5, 2,  -1, 0, 0, 0,  1, 1, 1, 1,  0, 0, 0, 0,  .nan, 0.2, 0.4, 0.6])
        let grid = ImageGrid(imageHeight: 2, imageWidth: 2, columns: 3, scale: 3, border: 1)
        let data = try grid.png(images)
        let decoded = try #require(PNG.decode(data))
        // 3 columns × 6 px + 4 borders; 2 rows × 6 px + 3 borders.
        #expect(decoded.width == 22 && decoded.height == 15 && decoded.channels == 1)
        func pixel(_ x: Int, _ y: Int) -> UInt8 { decoded.pixels[y * decoded.width + x] }
        #expect(pixel(0, 0) == 128)                       // border
        #expect(pixel(1, 1) == 0 && pixel(4, 1) == 255)   // first image, scaled 3×
        #expect(pixel(4, 4) == 255)                       // 2 clipped to 1
        #expect(pixel(8, 1) == 0)                         // −1 clipped to 0
        #expect(pixel(1, 8) == 0)                         // NaN shown black
    }

    @Test func colourImagesKeepTheirChannels() throws {
        let images = Matrix(rows: 1, columns: 12)
        images.assign([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1])
        let decoded = try #require(PNG.decode(try ImageGrid(imageHeight: 2, imageWidth: 2, channels: 3, columns: 1,
                                                             scale: 1, border: 0).png(images)))
        #expect(decoded.channels == 3 && decoded.pixels == [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
    }
}

@Suite struct LineChartTests {
    @Test func chartHasAxesSeriesAndLegend() {
        let chart = LineChart(title: "Loss <per> epoch", xLabel: "epoch", yLabel: "loss", series: [
            .init(name: "training", points: [(1, 0.05), (2, 0.036), (3, 0.034)], color: LineChart.palette[0]),
            .init(name: "validation", points: [(1, 0.04), (2, 0.035), (3, .nan)], color: LineChart.palette[1]),
        ])
        let svg = chart.svg
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(ParsedXML(svg) != nil, "the SVG is not well-formed")
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(svg.contains(">training<") && svg.contains(">validation<") && svg.contains(">epoch<"))
        #expect(svg.contains("Loss &lt;per&gt; epoch"))
        #expect(!svg.contains("nan"))
    }
}
