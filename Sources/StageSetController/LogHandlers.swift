import Foundation
public import Logging
import KubeModel

/// `--log-format`: one JSON object per line (the default, for log pipelines) or human-readable text.
public enum LogFormat: String, Sendable, CaseIterable {
    case json, text
}

/// Writes one JSON object per record to standard error: `ts`, `level`, `logger`, `msg`, then the metadata.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var record: JSONObject = [
            "ts": .string(Self.timestamp()), "level": .string(event.level.rawValue), "logger": .string(label),
            "msg": .string(event.message.description),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() where record[key] == nil {
            if let value = merged[key] { record[key] = .string(value.description) }
        }
        FileHandle.standardError.write(Data((JSON.encode(.object(record)) + "\n").utf8))
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

/// Writes `time level msg key=value …` lines to standard error.
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    public init(level: Logger.Level) {
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        var line = Date().formatted(.iso8601.time(includingFractionalSeconds: false)) + " "
            + event.level.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0) + event.message.description
        for key in merged.keys.sorted() {
            guard let value = merged[key]?.description else { continue }
            line += " \(key)=" + (value.contains(" ") || value.isEmpty ? JSON.encode(.string(value)) : value)
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
