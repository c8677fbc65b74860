import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// Reads `multipart/form-data` or `application/x-www-form-urlencoded` bodies as they arrive,
/// keeping only the fields asked for and refusing a field over its limit as soon as it passes it.
package struct FormReader {
    /// The largest a field may be, by name; fields not listed are skipped without being kept.
    package var limits: [String: Int]
    /// The headers of one part (and a preamble) may not grow past this: the parser keeps them whole.
    var maxPartHeaderBytes = 16 << 10
    /// Parts in one body, asked for or not.
    var maxParts = 32

    package init(limits: [String: Int]) {
        self.limits = limits
    }

    /// The whole body: every asked-for field at its limit, plus room for the parts' headers.
    package var maxBodyBytes: Int { limits.values.reduce(0, +) + maxParts * (maxPartHeaderBytes + 256) }

    package struct Fields {
        package var values: [String: [UInt8]] = [:]
        /// The filename a file field was sent with, by field name.
        var filenames: [String: String] = [:]

        func string(_ name: String) -> String? { values[name].map { String(decoding: $0, as: UTF8.self) } }
    }

    func read(_ request: Request) async throws(WharfHTTPError) -> Fields {
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch mediaType {
        case "multipart/form-data":
            guard let boundary = Self.parameter("boundary", in: contentType), !boundary.isEmpty, boundary.count <= 200 else {
                throw WharfHTTPError(.badRequest, "multipart/form-data without a boundary")
            }
            return try await readMultipart(request.body, boundary: boundary)
        case "application/x-www-form-urlencoded":
            return try await readURLEncoded(request.body)
        default:
            throw WharfHTTPError(.badRequest, "expected a multipart/form-data or application/x-www-form-urlencoded body")
        }
    }

    private func readMultipart(_ body: RequestBody, boundary: String) async throws(WharfHTTPError) -> Fields {
        let accumulator = MultipartAccumulator(reader: self, boundary: boundary)
        do {
            for try await buffer in body { try accumulator.feed(buffer) }
        } catch let error as WharfHTTPError {
            throw error
        } catch {
            throw WharfHTTPError(.badRequest, "malformed multipart body")
        }
        return accumulator.fields
    }

    /// A multipart body read piece by piece, with every bound of the reader checked as it grows;
    /// synchronous, so the fuzz target drives it exactly as a request does.
    package final class MultipartAccumulator {
        private let reader: FormReader
        private let parser: MultipartParser
        package private(set) var fields = Fields()
        private var current: (name: String?, filename: String?, bytes: [UInt8]) = (nil, nil, [])
        private var overflow: Overflow?
        private var parts = 0, total = 0
        // Bytes fed since the parser last reported anything: it is holding them (a header line, a preamble).
        private var unreported = 0, reported = false

        private var headerNames: HeaderNameGuard

        package init(reader: FormReader, boundary: String) {
            self.reader = reader
            parser = MultipartParser(boundary: boundary)
            headerNames = HeaderNameGuard(boundary: boundary)
            parser.onHeader = { [unowned self] name, value in
                reported = true
                guard name.lowercased() == "content-disposition" else { return }
                current.name = FormReader.parameter("name", in: value)
                current.filename = FormReader.parameter("filename", in: value)
            }
            parser.onBody = { [unowned self] buffer in
                reported = true
                guard overflow == nil, let name = current.name, let limit = reader.limits[name] else { return }
                if current.bytes.count + buffer.readableBytes > limit { overflow = .field(name, limit); return }
                current.bytes += buffer.readableBytesView
            }
            parser.onPartComplete = { [unowned self] in
                reported = true
                parts += 1
                if let name = current.name, reader.limits[name] != nil, overflow == nil, fields.values[name] == nil {
                    fields.values[name] = current.bytes
                    if let filename = current.filename { fields.filenames[name] = filename }
                }
                current = (nil, nil, [])
            }
        }

        /// Throws 413 past a bound, 400 for bytes that are not multipart.
        package func feed(_ buffer: ByteBuffer) throws(WharfHTTPError) {
            total += buffer.readableBytes
            if total > reader.maxBodyBytes { throw WharfHTTPError(.contentTooLarge, Overflow.body(reader.maxBodyBytes).message) }
            // In small pieces, so a header that never ends is caught within 4 KiB of the limit.
            var rest = buffer
            while let piece = rest.readSlice(length: min(4096, rest.readableBytes)), piece.readableBytes > 0 {
                reported = false
                guard headerNames.scan(piece.readableBytesView) else {
                    throw WharfHTTPError(.badRequest, "a multipart part's headers hold a byte that is not ASCII")
                }
                do {
                    try parser.execute(piece)
                } catch {
                    throw WharfHTTPError(.badRequest, "malformed multipart body")
                }
                unreported = reported ? 0 : unreported + piece.readableBytes
                if let overflow { throw WharfHTTPError(.contentTooLarge, overflow.message) }
                if unreported > reader.maxPartHeaderBytes { throw WharfHTTPError(.contentTooLarge, Overflow.partHeaders(reader.maxPartHeaderBytes).message) }
                if parts > reader.maxParts { throw WharfHTTPError(.contentTooLarge, Overflow.parts(reader.maxParts).message) }
            }
        }
    }

    private func readURLEncoded(_ body: RequestBody) async throws(WharfHTTPError) -> Fields {
        let total = limits.values.reduce(0, +) * 3 + 1024
        var bytes: [UInt8] = []
        do {
            for try await buffer in body {
                bytes += buffer.readableBytesView
                if bytes.count > total { throw Overflow.body(total) }
            }
        } catch {
            throw WharfHTTPError(.contentTooLarge, "form body larger than \(total) bytes")
        }
        var fields = Fields()
        var components = URLComponents()
        components.percentEncodedQuery = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "+", with: "%20")
        for item in components.queryItems ?? [] where limits[item.name] != nil && fields.values[item.name] == nil {
            let value = Array((item.value ?? "").utf8)
            guard value.count <= limits[item.name]! else {
                throw WharfHTTPError(.contentTooLarge, "field '\(item.name)' is larger than \(limits[item.name]!) bytes")
            }
            fields.values[item.name] = value
        }
        return fields
    }

    /// Which bound a body passed.
    enum Overflow: Error {
        case field(String, Int), partHeaders(Int), parts(Int), body(Int)

        var message: String {
            switch self {
            case .field(let name, let limit): "field '\(name)' is larger than \(limit) bytes"
            case .partHeaders(let limit): "the headers of a multipart part are larger than \(limit) bytes"
            case .parts(let limit): "more than \(limit) multipart parts"
            case .body(let limit): "form body larger than \(limit) bytes"
            }
        }
    }

    /// A `name=value` or `name="value"` parameter of a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
