import Foundation

/// File-system side of CRD generation: reading the API sources, writing (or checking) the output.
public enum CRDSourceFiles {
    /// The text of every `.swift` file under `directories`, in a stable order.
    public static func read(directories: [String]) throws -> [String] {
        var texts: [String] = []
        for directory in directories {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".swift") }
            for name in names.sorted() {
                texts.append(try String(contentsOfFile: directory + "/" + name, encoding: .utf8))
            }
        }
        return texts
    }

    /// Compares `files` with `directory`; writes the differing ones when `write` is true.
    /// - Returns: the names of the files that differed (or were missing).
    @discardableResult
    public static func sync(_ files: [CRDGenerator.File], into directory: String, write: Bool) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var stale: [String] = []
        for file in files {
            let path = directory + "/" + file.name
            let current = try? String(contentsOfFile: path, encoding: .utf8)
            guard current != file.content else { continue }
            stale.append(file.name)
            if write { try file.content.write(toFile: path, atomically: true, encoding: .utf8) }
        }
        return stale
    }
}
