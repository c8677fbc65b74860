import Foundation
import Hummingbird
import MultipartKit

/// Reads `multipart/form-data` or `application/x-www-form-urlencoded` bodies as they arrive,
/// keeping only the fields asked for and refusing a field over its limit as soon as it passes it.
struct FormReader {
    /// The largest a field may be, by name; fields not listed are skipped without being kept.
    var limits: [String: Int]

    struct Fields {
        var values: [String: [UInt8]] = [:]
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
        let parser = MultipartParser(boundary: boundary)
        var fields = Fields()
        var current: (name: String?, filename: String?, bytes: [UInt8]) = (nil, nil, [])
        var overflow: String?
        parser.onHeader = { name, value in
            guard name.lowercased() == "content-disposition" else { return }
            current.name = Self.parameter("name", in: value)
            current.filename = Self.parameter("filename", in: value)
        }
        parser.onBody = { buffer in
            guard overflow == nil, let name = current.name, let limit = limits[name] else { return }
            if current.bytes.count + buffer.readableBytes > limit { overflow = name; return }
            current.bytes += buffer.readableBytesView
        }
        parser.onPartComplete = {
            if let name = current.name, limits[name] != nil, overflow == nil, fields.values[name] == nil {
                fields.values[name] = current.bytes
                if let filename = current.filename { fields.filenames[name] = filename }
            }
            current = (nil, nil, [])
        }
        do {
            for try await buffer in body {
                try parser.execute(buffer)
                if let overflow { throw Overflow(field: overflow) }
            }
        } catch let error as Overflow {
            throw WharfHTTPError(.contentTooLarge, "field '\(error.field)' is larger than \(limits[error.field] ?? 0) bytes")
        } catch {
            throw WharfHTTPError(.badRequest, "malformed multipart body")
        }
        return fields
    }

    private func readURLEncoded(_ body: RequestBody) async throws(WharfHTTPError) -> Fields {
        let total = limits.values.reduce(0, +) * 3 + 1024
        var bytes: [UInt8] = []
        do {
            for try await buffer in body {
                bytes += buffer.readableBytesView
                if bytes.count > total { throw Overflow(field: "") }
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

    private struct Overflow: Error { let field: String }

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
