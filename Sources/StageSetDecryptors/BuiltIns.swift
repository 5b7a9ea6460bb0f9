public import StageSetCore

extension PluginRegistry {
    /// A registry with the decryptors of this module: `age` (``AgeDecryptor``) and `aws_kms`
    /// (``AWSKMSDecryptor`` with ambient credentials).
    ///
    /// PGP lives in its own module (the only one importing gpgme) and plugin modules do not import each
    /// other, so the composition root adds it: `try registry.register(PGPDecryptor())` from
    /// `StageSetDecryptorPGP`. Key types without a decryptor (GCP KMS, Azure Key Vault, Vault transit,
    /// HuaweiCloud KMS) fail with "key type X not supported by this build".
    public static func withBuiltInDecryptors() -> PluginRegistry {
        var registry = PluginRegistry()
        // Distinct key types: registration cannot fail.
        try? registry.register(AgeDecryptor())
        try? registry.register(AWSKMSDecryptor())
        return registry
    }
}
