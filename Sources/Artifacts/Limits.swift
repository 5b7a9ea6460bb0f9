/// Caps on one artifact download and extraction (defaults: the reference's).
public struct ArtifactLimits: Sendable, Hashable {
    /// Bytes of the compressed download.
    public var maxDownloadBytes: Int64
    /// Bytes of the inflated (gunzipped) stream, counted as it is read.
    public var maxInflatedBytes: Int64
    /// Bytes of one entry, checked on the header and on the bytes actually read.
    public var maxEntryBytes: Int64
    /// Bytes of all extracted files together.
    public var maxTotalBytes: Int64

    public init(maxDownloadBytes: Int64 = 64 << 20, maxInflatedBytes: Int64 = 512 << 20,
                maxEntryBytes: Int64 = 16 << 20, maxTotalBytes: Int64 = 64 << 20) {
        self.maxDownloadBytes = maxDownloadBytes
        self.maxInflatedBytes = maxInflatedBytes
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
    }
}
