import Foundation

/// The memory this process has used, as the operating system counts it.
public enum ProcessMemory {
    /// The most resident memory this program has held since it started, or nil where it
    /// cannot be read. On Linux it is the kernel's high-water mark of this program's own
    /// memory (`VmHWM`), which, unlike `getrusage`, never includes the parent's memory
    /// from before the program was started.
    public static var peakResidentBytes: Int? {
        #if os(Linux)
        return status("VmHWM")
        #else
        var usage = rusage()
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
        return Int(usage.ru_maxrss)  // bytes on Apple's systems
        #endif
    }

    /// The memory this program holds now that is its own: resident pages not backed by a
    /// file (`RssAnon`), so a mapped dataset's pages, which the kernel can drop and read
    /// again, do not count. Nil where it cannot be read (systems other than Linux).
    public static var anonymousResidentBytes: Int? {
        #if os(Linux)
        return status("RssAnon")
        #else
        return nil
        #endif
    }

    /// A field of `/proc/self/status` given in kB, in bytes.
    private static func status(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kilobytes = Int(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        else { return nil }
        return kilobytes * 1024
    }
}
