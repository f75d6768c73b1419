import Explorer
import Foundation
import Runs
import Testing
import TestSupport
import Visualization

/// The dashboard's answers: pages, summaries, files, and the explorer of each family;
/// every bad request refused with a 4xx and one line.
@Suite struct DashboardAPITests {
    func get(_ path: String, _ query: [String: String] = [:]) -> DashboardResponse { ExplorerTestRuns.get(path, query) }

    func image(_ answer: DashboardResponse) -> (pixels: [UInt8], width: Int, height: Int, channels: Int)? {
        answer.status == 200 && answer.contentType == "image/png" ? PNG.decode(answer.body) : nil
    }

    func expectRefused(_ answer: DashboardResponse, _ status: Int, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = String(decoding: answer.body, as: UTF8.self)
        #expect(answer.status == status, "\(text)", sourceLocation: sourceLocation)
        #expect(text.contains(words) && text.filter { $0 == "\n" }.count == 1, "\(text)", sourceLocation: sourceLocation)
    }

    @Test func servesThePagesAndTheirScript() {
        for path in ["/", "/run", "/explore"] {
            let page = get(path)
            #expect(page.status == 200 && page.contentType.hasPrefix("text/html"))
            #expect(String(decoding: page.body, as: UTF8.self).contains("<script src=\"/dashboard.js\"></script>"))
        }
        #expect(get("/dashboard.js").contentType.hasPrefix("text/javascript"))
        #expect(get("/dashboard.css").contentType.hasPrefix("text/css"))
        expectRefused(get("/../etc/passwd"), 404, "no page")
    }

    @Test func summarisesEveryRun() throws {
        let runs = try JSONDecoder().decode([RunSummary].self, from: get("/api/runs").body)
        #expect(runs.map(\.name) == ["colour", "dense", "nested/two-stage", "vq"])
        let dense = runs[1]
        #expect(dense.history.count == 2 && !dense.training && dense.pictures.contains("samples.png"))
        #expect(runs[2].priorHistory.count == 2 && runs[3].priorHistory.count == 1)
        let one = try JSONDecoder().decode(RunSummary.self, from: get("/api/run", ["name": "nested/two-stage"]).body)
        #expect(one.configuration.model.family == .twoStage)
        expectRefused(get("/api/run", ["name": "../dense"]), 400, "not a run name")
        expectRefused(get("/api/run", ["name": "nope"]), 404, "no run named")
        expectRefused(get("/api/run"), 400, "'name' is missing")
    }

    @Test func servesOnlyTheRunFilesItNames() {
        #expect(get("/api/file", ["run": "dense", "name": "samples.png"]).contentType == "image/png")
        #expect(get("/api/file", ["run": "dense", "name": "history.csv"]).status == 200)
        expectRefused(get("/api/file", ["run": "dense", "name": "model.safetensors"]), 400, "not a file the dashboard serves")
        expectRefused(get("/api/file", ["run": "dense", "name": "../../dense/config.json"]), 400, "not a file the dashboard serves")
        expectRefused(get("/api/file", ["run": "dense", "name": "evaluation.json"]), 404, "no evaluation.json")
    }

    @Test func decodesAnyCodingOfTheRightLength() throws {
        let layout = try JSONDecoder().decode(ExplorerLayout.self, from: get("/api/explorer", ["run": "dense"]).body)
        #expect(layout.kind == "continuous" && layout.codingSize == 3 && layout.dimensions.count == 3)
        #expect(layout.map?.kind == "pca" && layout.map?.points.count == 40 && layout.testImages == 40)
        #expect(layout.priors == ["gaussian", "uniform", "truncated", "gmm"])
        let origin = try #require(image(get("/api/decode", ["run": "dense", "z": "0,0,0"])))
        let moved = try #require(image(get("/api/decode", ["run": "dense", "z": "3,-2,1"])))
        #expect(origin.width == 168 && origin.height == 168 && origin.pixels != moved.pixels)
        // The same coding, the same image, whichever copy of the model answers.
        #expect(get("/api/decode", ["run": "dense", "z": "3,-2,1"]).body == get("/api/decode", ["run": "dense", "z": "3,-2,1"]).body)

        expectRefused(get("/api/decode", ["run": "dense", "z": "0,0"]), 400, "a coding of 2 values for 3 latent dimensions")
        expectRefused(get("/api/decode", ["run": "dense", "z": "0,nan,0"]), 400, "not a finite number")
        expectRefused(get("/api/decode", ["run": "dense", "z": "0,inf,0"]), 400, "not a finite number")
        expectRefused(get("/api/decode", ["run": "dense", "z": "0,1e9,0"]), 400, "within ±100")
        expectRefused(get("/api/decode", ["run": "dense", "z": "0,,0"]), 400, "not a finite number")
        expectRefused(get("/api/decode", ["run": "dense", "z": String(repeating: "0,", count: 5000) + "0"]), 400, "more than 4096")
        expectRefused(get("/api/decode", ["run": "dense"]), 400, "'z' is missing")
        expectRefused(get("/api/decode", ["run": "vq", "z": "0,0,0"]), 422, "grids of codes")
    }

    @Test func interpolatesSamplesAndShowsTestImages() throws {
        let path = try #require(image(get("/api/interpolate", ["run": "dense", "from": "0", "to": "5", "steps": "3"])))
        #expect(path.width == 5 * 80 + 6 * 2 && path.height == 2 * 80 + 3 * 2)  // 8-pixel images at scale 10
        let pair = try #require(image(get("/api/test-image", ["run": "dense", "index": "39"])))
        #expect(pair.width == 2 * 80 + 3 * 2)
        let samples = try #require(image(get("/api/samples", ["run": "dense", "prior": "uniform", "count": "10", "seed": "4"])))
        #expect(samples.width == 8 * 80 + 9 * 2 && samples.height == 2 * 80 + 3 * 2)
        #expect(get("/api/samples", ["run": "dense", "prior": "gaussian", "count": "4", "seed": "4"]).body
                == get("/api/samples", ["run": "dense", "prior": "gaussian", "count": "4", "seed": "4"]).body)

        expectRefused(get("/api/interpolate", ["run": "dense", "from": "0", "to": "40"]), 400, "test image 40 is not one of 0–39")
        expectRefused(get("/api/interpolate", ["run": "dense", "from": "-1", "to": "2"]), 400, "test image -1")
        expectRefused(get("/api/interpolate", ["run": "dense", "from": "0", "to": "1", "steps": "17"]), 400, "steps must be from 1 to 16")
        expectRefused(get("/api/interpolate", ["run": "dense", "from": "x", "to": "1"]), 400, "whole number")
        expectRefused(get("/api/samples", ["run": "dense", "prior": "pixelcnn"]), 400, "not one of this run's")
        expectRefused(get("/api/samples", ["run": "dense", "prior": "gaussian", "count": "65"]), 400, "count must be from 1 to 64")
        expectRefused(get("/api/samples", ["run": "dense", "prior": "gaussian", "seed": "-1"]), 400, "'seed'")
        expectRefused(get("/api/redraw", ["run": "dense", "index": "0", "top": "0", "left": "0", "height": "1", "width": "1"]), 422, "only a VQ-VAE")
    }

    /// A convolutional model of colour pictures: colour images, the folder's classes on the map.
    @Test func exploresAColourModel() throws {
        let layout = try JSONDecoder().decode(ExplorerLayout.self, from: get("/api/explorer", ["run": "colour"]).body)
        #expect(layout.channels == 3 && layout.classes == ["blue", "red"] && layout.testImages == 6)
        let labels = Set((layout.map?.points ?? []).map { $0[2] })
        #expect(!labels.isEmpty && labels.isSubset(of: [0, 1]))
        let decoded = try #require(image(get("/api/decode", ["run": "colour", "z": "0.5,-0.5,1"])))
        #expect(decoded.channels == 3 && decoded.width == 168)
        #expect(image(get("/api/interpolate", ["run": "colour", "from": "0", "to": "5", "steps": "2"]))?.channels == 3)
    }

    /// The mixture prior is fitted in memory, and the run folder gains no file.
    @Test func fitsTheMixtureWithoutWriting() async throws {
        let folder = ExplorerTestRuns.root.appendingPathComponent("nested/two-stage")
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let layout = try JSONDecoder().decode(ExplorerLayout.self, from: get("/api/explorer", ["run": "nested/two-stage"]).body)
        #expect(layout.priors.contains("second-stage") && layout.priors.contains("gmm"))
        var answer = get("/api/samples", ["run": "nested/two-stage", "prior": "gmm", "count": "4"])
        for _ in 0..<100 where answer.status == 503 {
            try await Task.sleep(for: .milliseconds(50))
            answer = get("/api/samples", ["run": "nested/two-stage", "prior": "gmm", "count": "4"])
        }
        #expect(image(answer) != nil)
        #expect(image(get("/api/samples", ["run": "nested/two-stage", "prior": "second-stage", "count": "4"])) != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == before)
    }

    @Test func redrawsARegionOfAVQVAEsCodes() throws {
        let layout = try JSONDecoder().decode(ExplorerLayout.self, from: get("/api/explorer", ["run": "vq"]).body)
        #expect(layout.kind == "discrete" && layout.priors == ["pixelcnn"])
        let grid = try #require(layout.grid)
        let query = ["run": "vq", "index": "3", "top": "0", "left": "0", "height": String(grid[0]), "width": String(grid[1]), "seed": "1"]
        let redrawn = try #require(image(get("/api/redraw", query)))
        #expect(redrawn.width == 3 * 80 + 4 * 2)
        #expect(get("/api/redraw", query).body == get("/api/redraw", query).body)
        var outside = query
        outside["top"] = String(grid[0])
        expectRefused(get("/api/redraw", outside), 400, "within the \(grid[0])×\(grid[1]) code grid")
        #expect(image(get("/api/samples", ["run": "vq", "prior": "pixelcnn", "count": "2"])) != nil)
        expectRefused(get("/api/samples", ["run": "vq", "prior": "pixelcnn", "count": "17"]), 400, "count must be from 1 to 16")
    }
}
