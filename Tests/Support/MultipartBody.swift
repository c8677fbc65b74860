/// A `multipart/form-data` body, as curl `-F` sends it.
public struct MultipartBody: Sendable {
    public struct Field: Sendable {
        public var name: String
        public var filename: String?
        public var bytes: [UInt8]
        public init(_ name: String, filename: String? = nil, bytes: [UInt8]) {
            self.name = name
            self.filename = filename
            self.bytes = bytes
        }
        public init(_ name: String, _ value: String) { self.init(name, bytes: Array(value.utf8)) }
    }

    public let boundary = "----wharf-test-boundary-7MA4YWxkTrZu0gW"
    public let bytes: [UInt8]

    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    public init(_ fields: [Field]) {
        var out: [UInt8] = []
        for field in fields {
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field.name)\""
            if let filename = field.filename { head += "; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream" }
            head += "\r\n\r\n"
            out += Array(head.utf8) + field.bytes + Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        bytes = out
    }
}
