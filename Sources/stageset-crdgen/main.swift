import CRDGenerator
import Foundation

// stageset-crdgen --output DIR [--check] SOURCE_DIR...
// Writes deploy/crds from the API types; with --check, exits 1 when the files on disk differ.
var output: String?
var check = false
var sourceDirectories: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--output": output = arguments.popFirst()
    case "--check": check = true
    case "-h", "--help":
        print("usage: stageset-crdgen --output DIR [--check] SOURCE_DIR...")
        exit(0)
    default: sourceDirectories.append(argument)
    }
}
guard let output, !sourceDirectories.isEmpty else {
    FileHandle.standardError.write(Data("usage: stageset-crdgen --output DIR [--check] SOURCE_DIR...\n".utf8))
    exit(2)
}
do {
    let sources = try CRDSourceFiles.read(directories: sourceDirectories)
    let files = try CRDGenerator(sources: sources).generate()
    let stale = try CRDSourceFiles.sync(files, into: output, write: !check)
    if check && !stale.isEmpty {
        FileHandle.standardError.write(Data("out of date: \(stale.joined(separator: ", "))\n".utf8))
        exit(1)
    }
} catch {
    FileHandle.standardError.write(Data("stageset-crdgen: \(error)\n".utf8))
    exit(1)
}
