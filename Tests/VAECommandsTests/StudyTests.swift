import Foundation
import Runs
import Testing
import TestSupport
@testable import VAECommands

/// `vae study --quick` end to end on a small synthetic dataset, then its page in a browser.
@Suite(.serialized) struct StudyTests {
    @Test(.enabled(if: HeadlessBrowser.executable != nil || HeadlessBrowser.required,
                   "needs chromium (apt-get install chromium) unless CI is set"))
    func aQuickStudyAnswersEveryQuestionInAPageThatRenders() throws {
        guard HeadlessBrowser.executable != nil else {
            Issue.record("CI is set but no chromium is installed: `make test` installs it, or `apt-get install chromium`")
            return
        }
        let data = try IDXFiles.makeDataset(train: 5000, test: 500, side: 8)
        let out = IDXFiles.temporaryFolder("study")
        let pictures = IDXFiles.temporaryFolder("study-pictures")
        // Two categories, as sub-folders: the study trains a classifier of them for its measures.
        for index in 0..<40 {
            let pixels = PictureFiles.pixels(width: 32, height: 32, channels: 3, seed: index)
            let category = pictures.appendingPathComponent(index % 2 == 0 ? "even" : "odd")
            try FileManager.default.createDirectory(at: category, withIntermediateDirectories: true)
            try PictureFiles.encode(pixels, width: 32, height: 32, channels: 3, as: .png)
                .write(to: category.appendingPathComponent("\(index).png"))
        }
        var study = try VAECommand.parseAsRoot(["study", "--quick", "--seeds", "2", "--data", data.path, "--out", out.path,
                                                "--pictures", pictures.path])
        try study.run()

        let markdown = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        for heading in ["1\\. How many epochs?", "2\\. What does the latent loss do?", "3\\. Gaussian or uniform codings?",
                        "4\\. Less blurry samples?", "5\\. A dataset of our own"] {
            #expect(markdown.contains(heading), "missing \(heading)")
        }
        #expect(markdown.components(separatedBy: "Answer:").count == 6, "one answer per question")
        // The answers rest on paired seeds and on every table, and the wording is the page's own.
        #expect(markdown.contains("paired seeds, 95% interval"))
        #expect(markdown.contains("the lowest Fréchet distance in the study's tables is"))
        #expect(markdown.contains("rate-distortion.svg") && markdown.contains("real test images"))
        #expect(!markdown.contains("seed(s)") && !markdown.contains("the assignment's;"))
        #expect(markdown.contains("a classifier of the pictures' own categories"))
        #expect(markdown.contains("In the classifier's features the samples' Fréchet distance is"))
        for figure in ["interpolation-pixels.png", "interpolation-book.png", "traversal-book.png", "pictures-curves.svg",
                       "pictures-neighbours.png"] {
            #expect(markdown.contains(figure), "missing \(figure)")
        }
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "data:image/png;base64,").count > 20, "the sample grids are in the page")
        #expect(html.components(separatedBy: "<svg").count >= 6, "the charts are in the page")

        // A second run finds every run and measurement in the folder and trains nothing.
        let measurement = out.appendingPathComponent("runs/book-seed1/measurements/epoch-3-gaussian.json")
        let before = try FileManager.default.attributesOfItem(atPath: measurement.path)[.modificationDate] as? Date
        var again = try VAECommand.parseAsRoot(["study", "--quick", "--seeds", "2", "--data", data.path, "--out", out.path,
                                                "--pictures", pictures.path])
        try again.run()
        #expect(try FileManager.default.attributesOfItem(atPath: measurement.path)[.modificationDate] as? Date == before)

        let shot = try HeadlessBrowser.screenshot(of: out.appendingPathComponent("index.html"), width: 1200, height: 3000,
                                                  folder: out)
        let (colours, inked) = HeadlessBrowser.ink(of: shot)
        #expect(colours > 100, "\(colours) colours: the page looks blank")
        #expect(inked > shot.width * shot.height / 20, "\(inked) pixels not white")
    }
}
