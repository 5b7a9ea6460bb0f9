import CArchive
import CCurl
import CGPGME
import CYAML
import Testing

/// Each system library is linked and callable; a missing Debian package fails here loudly.
struct CLibraryTests {
    @Test func libcurlReportsVersionAndTLS() throws {
        let info = try #require(curl_version_info(CCurl_VERSION_NOW))
        let version = String(cString: info.pointee.version)
        #expect(version.split(separator: ".").count >= 2)
        // libcurl4-openssl-dev: TLS through OpenSSL.
        let ssl = info.pointee.ssl_version.map { String(cString: $0) } ?? ""
        #expect(ssl.contains("OpenSSL"))
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        #expect(CCurl_easy_setopt_string(handle, CURLOPT_URL, "http://127.0.0.1:1/") == CURLE_OK)
    }

    @Test func libyamlParsesAScalar() throws {
        var parser = yaml_parser_t()
        #expect(yaml_parser_initialize(&parser) == 1)
        defer { yaml_parser_delete(&parser) }
        let input = Array("key: value\n".utf8)
        var scalars: [String] = []
        input.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                if event.type == YAML_SCALAR_EVENT {
                    let scalar = event.data.scalar
                    scalars.append(String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self))
                }
                if event.type == YAML_STREAM_END_EVENT { break }
            }
        }
        #expect(scalars == ["key", "value"])
    }

    @Test func gpgmeInitialisesAndCreatesAContext() throws {
        let version = try #require(gpgme_check_version(nil))
        #expect(!String(cString: version).isEmpty)
        var context: gpgme_ctx_t?
        let error = gpgme_new(&context)
        #expect(CGPGME_err_code(error) == GPG_ERR_NO_ERROR)
        gpgme_release(context)
    }

    @Test func libarchiveWritesAndReadsATarGz() throws {
        #expect(String(cString: archive_version_string()).hasPrefix("libarchive"))
        // Write a one-entry tar.gz into memory, then read it back.
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var used = 0
        let writer = try #require(archive_write_new())
        archive_write_add_filter_gzip(writer)
        archive_write_set_format_pax_restricted(writer)
        let payload = Array("hello".utf8)
        buffer.withUnsafeMutableBytes { raw in
            #expect(archive_write_open_memory(writer, raw.baseAddress, raw.count, &used) == ARCHIVE_OK)
        }
        let entry = try #require(archive_entry_new())
        archive_entry_set_pathname(entry, "dir/file.txt")
        archive_entry_set_size(entry, la_int64_t(payload.count))
        archive_entry_set_filetype(entry, CArchive_AE_IFREG)
        archive_entry_set_perm(entry, 0o644)
        #expect(archive_write_header(writer, entry) == ARCHIVE_OK)
        #expect(archive_write_data(writer, payload, payload.count) == payload.count)
        archive_entry_free(entry)
        archive_write_close(writer)
        archive_write_free(writer)
        #expect(used > 0)

        let reader = try #require(archive_read_new())
        defer { archive_read_free(reader) }
        archive_read_support_filter_gzip(reader)
        archive_read_support_format_tar(reader)
        #expect(archive_read_open_memory(reader, buffer, used) == ARCHIVE_OK)
        var header: OpaquePointer?
        #expect(archive_read_next_header(reader, &header) == ARCHIVE_OK)
        #expect(String(cString: archive_entry_pathname(header)) == "dir/file.txt")
        var content = [UInt8](repeating: 0, count: 64)
        let read = archive_read_data(reader, &content, content.count)
        #expect(Array(content[0..<max(0, read)]) == payload)
    }
}
