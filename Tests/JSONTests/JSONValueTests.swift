import Testing
import JSON

@Suite struct JSONValueTests {
    @Test func objectKeysKeepTheirOrderThroughARoundTrip() throws {
        let text = #"{"z":1,"a":{"y":[true,false,null],"b":"x\"\\\/\u00e9\ud83d\ude00"},"m":-1.5e3}"#
        let value = try JSONValue.parse(text)
        #expect(value.objectMembers?.map(\.0) == ["z", "a", "m"])
        #expect(value["a"]?["b"]?.stringValue == "x\"\\/é😀")
        #expect(value.serialized() == #"{"z":1,"a":{"y":[true,false,null],"b":"x\"\\/é😀"},"m":-1.5e3}"#)
        #expect(try JSONValue.parse(value.serialized(indent: 2)) == value)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "\"a\nb\"", "tru", "{} x", "\"\\ud800\"", "[" + String(repeating: "[", count: 600)])
    func malformedJSONIsRefused(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test(arguments: ["{\"a\":1,}", "[1,]", "// c\n{}", "/* c */ {}", "\u{FEFF}{}"])
    func strictJSONRefusesWhatJSONCAllows(text: String) throws {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
        _ = try JSONValue.parse(text, dialect: .jsonc)
    }

    @Test func jsoncKeepsFileOrderAndTheLastValueOfARepeatedKey() throws {
        let text = "{\n  // the name\n  \"name\": \"@a/b\",\n  \"exports\": { \"./z\": \"./z.ts\", \".\": \"./mod.ts\", },\n  \"name\": \"@a/c\", /* last */\n}"
        let value = try JSONValue.parse(text, dialect: .jsonc)
        #expect(value.objectMembers?.map(\.0) == ["name", "exports"])
        #expect(value["name"] == .string("@a/c"))
        #expect(value["exports"]?.objectMembers?.map(\.0) == ["./z", "."])
    }

    @Test func errorsNameTheirLineAndColumn() {
        #expect {
            try JSONValue.parse("{\n  \"a\": 1\n  \"b\": 2\n}", dialect: .jsonc)
        } throws: { error in
            let error = error as? JSONParseError
            return error?.line == 3 && error?.column == 3 && error?.message == "expected ',' or '}' in an object"
        }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{} /* open", dialect: .jsonc) }
    }
}
