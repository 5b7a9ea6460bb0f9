public import StageSetCore
import StageSetDecryptorPGP

extension PluginRegistry {
    /// A registry with every decryptor this build has: `age` (``AgeDecryptor``), `pgp` (`PGPDecryptor`,
    /// through gpgme) and `aws_kms` (``AWSKMSDecryptor`` with ambient credentials). Other key types
    /// (GCP KMS, Azure Key Vault, Vault transit, HuaweiCloud KMS) have no decryptor and fail with
    /// "key type X not supported by this build".
    public static func withBuiltInDecryptors() -> PluginRegistry {
        var registry = PluginRegistry()
        // Distinct key types: registration cannot fail.
        try? registry.register(AgeDecryptor())
        try? registry.register(PGPDecryptor())
        try? registry.register(AWSKMSDecryptor())
        return registry
    }
}
