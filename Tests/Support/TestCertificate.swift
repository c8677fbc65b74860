import Foundation
import HummingbirdTLS

/// A self-signed certificate for one host, made by openssl for a test: a TLS `TestOrigin` serves
/// it, and Chromium trusts it by its public key's hash (`--ignore-certificate-errors-spki-list`).
public struct TestCertificate: Sendable {
    public let certificatePath: String
    public let keyPath: String
    /// base64 of the SHA-256 of the DER SubjectPublicKeyInfo, as Chromium's flag takes it.
    public let spkiHash: String

    /// An EC P-256 certificate for `host` (its CN and its one subjectAltName), written into `directory`.
    public static func make(for host: String, in directory: String) throws -> TestCertificate {
        let certificate = directory + "/\(host).pem", key = directory + "/\(host)-key.pem"
        _ = try shell(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                       "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=\(host)", "-addext", "subjectAltName=DNS:\(host)"])
        let hash = try shell(["sh", "-c", "openssl x509 -in \"$0\" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64", certificate])
        return TestCertificate(certificatePath: certificate, keyPath: key, spkiHash: hash.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The server side of TLS with this certificate.
    public func serverConfiguration() throws -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
        )
    }

    /// Runs a command found on PATH; its standard output, or an error with its output when it fails.
    private static func shell(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CertificateError(description: "\(arguments.joined(separator: " ")) failed: \(output)") }
        return output
    }

    public struct CertificateError: Error, CustomStringConvertible {
        public let description: String
    }
}
