using System.Buffers;
using System.Globalization;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Options;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>
/// A request body read strictly: valid UTF-8, valid JSON without duplicate properties, an object with exactly
/// one array of 1..MaxBatchItems objects. Anything else refuses the whole request and nothing is stored.
/// </summary>
internal sealed class StrictEnvelope : IDisposable
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private StrictEnvelope(JsonDocument document, List<JsonElement> items)
    {
        Document = document;
        Items = items;
    }

    public JsonDocument Document { get; }

    public IReadOnlyList<JsonElement> Items { get; }

    public static EnvelopeProblem? TryParse(ReadOnlyMemory<byte> body, string arrayName, IngestionOptions options, out StrictEnvelope? envelope)
    {
        envelope = null;
        if (body.Span.StartsWith(Bom))
        {
            body = body[Bom.Length..];
        }

        var example = $"Send {{\"{arrayName}\": [ ... ]}}.";
        if (body.IsEmpty)
        {
            return EnvelopeProblem.Invalid("The request body is empty. " + example);
        }

        if (!Utf8.IsValid(body.Span))
        {
            return EnvelopeProblem.Invalid("The request body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions
            {
                AllowDuplicateProperties = false,
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Disallow,
                // Deep enough for envelope, item and the deepest metadata allowed; anything deeper is not a
                // request this API could accept and is refused before it costs more.
                MaxDepth = Math.Max(64, options.MaxMetadataDepth + 8),
            });
        }
        catch (JsonException e)
        {
            return EnvelopeProblem.Invalid("The request body is not valid JSON: " + e.Message);
        }
        catch (InvalidOperationException)
        {
            // Checking for duplicates reads every property name; one with an unpaired surrogate escape is not text.
            return EnvelopeProblem.Invalid("The request body has a property name that is not valid Unicode (an unpaired surrogate escape).");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var root = document.RootElement;
        JsonElement? array = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = ["Must be a JSON object. " + example];
        }
        else
        {
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals(arrayName))
                {
                    array = property.Value;
                }
                else
                {
                    errors[SafeName(property)] = ["Unknown property."];
                }
            }

            if (array is null)
            {
                errors[arrayName] = ["Required. " + example];
            }
            else if (array.Value.ValueKind != JsonValueKind.Array)
            {
                errors[arrayName] = ["Must be an array."];
            }
            else
            {
                var count = array.Value.GetArrayLength();
                if (count == 0 || count > options.MaxBatchItems)
                {
                    errors[arrayName] = [$"Must hold between 1 and {options.MaxBatchItems} items; it holds {count}."];
                }
            }
        }

        var items = new List<JsonElement>();
        if (errors.Count == 0)
        {
            var index = 0;
            foreach (var item in array!.Value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors[$"{arrayName}[{index}]"] = ["Must be a JSON object."];
                }

                items.Add(item);
                index++;
            }
        }

        if (errors.Count > 0)
        {
            document.Dispose();
            return EnvelopeProblem.Invalid(errors.Count == 1 ? $"{errors.Keys.First()}: {errors.Values.First()[0]}" : $"The request has {errors.Count} problems; see errors.", errors);
        }

        envelope = new StrictEnvelope(document, items);
        return null;
    }

    /// <summary>A property name for an error key; a name that is not valid Unicode is shown as such.</summary>
    public static string SafeName(JsonProperty property) => NameOf(property) ?? "(invalid name)";

    /// <summary>The property's name, or null when it holds an unpaired surrogate escape and so names nothing.</summary>
    public static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public void Dispose() => Document.Dispose();
}

/// <summary>Text as received and as it may be stored, with the redactions it took.</summary>
internal readonly record struct TextValue(string Original, string Redacted, int Redactions)
{
    public static TextValue Of(string text)
    {
        var redacted = PiiRedactor.Redact(text);
        return new TextValue(text, redacted.Text, redacted.Count);
    }

    public string Stored(bool redact) => redact ? Redacted : Original;
}

/// <summary>
/// Reads the fields of one item with the contract's rules. Unknown properties are shape errors of the whole
/// request (the contract answers them 400); every other rule that fails rejects only this item.
/// </summary>
internal sealed partial class ItemReader(string path, IngestionOptions options, DateTimeOffset now, Dictionary<string, string[]> shapeErrors)
{
    public const int MaxIdLength = 200;
    public const int MaxLabelLength = 200;
    public const int MaxEmailLength = 320;

    private Dictionary<string, string[]>? _errors;

    /// <summary>Field errors of this item keyed by full path, or null when it is valid.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors => _errors;

    /// <summary>A property the contract does not define, at <paramref name="within"/> (a nested object) or on the item.</summary>
    public void Unknown(JsonProperty property, string? within = null) =>
        shapeErrors[$"{path}.{(within is null ? "" : within + ".")}{StrictEnvelope.SafeName(property)}"] = ["Unknown property."];

    public void Fail(string field, string message)
    {
        _errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
        var key = $"{path}.{field}";
        _errors[key] = _errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
    }

    /// <summary>An id: 1–200 printable characters without control characters.</summary>
    public string? Id(JsonElement? element, string field, bool required)
    {
        var value = String(element, field, required);
        if (value is null)
        {
            return null;
        }

        if (value.Length is 0 or > MaxIdLength)
        {
            Fail(field, $"Must be 1 to {MaxIdLength} characters.");
            return null;
        }

        if (!IsPrintable(value) || string.IsNullOrWhiteSpace(value))
        {
            Fail(field, "Must be printable characters without control characters.");
            return null;
        }

        return value;
    }

    /// <summary>A short label (role, channel, model version, …): 1–<paramref name="maxLength"/> printable characters.</summary>
    public string? Label(JsonElement? element, string field, int maxLength = MaxLabelLength)
    {
        var value = String(element, field, required: false);
        if (value is null)
        {
            return null;
        }

        if (value.Length == 0 || value.Length > maxLength)
        {
            Fail(field, $"Must be 1 to {maxLength} characters; leave it out when there is nothing to say.");
            return null;
        }

        if (!IsPrintable(value))
        {
            Fail(field, "Must be printable characters without control characters.");
            return null;
        }

        return value;
    }

    /// <summary>Free text (input, output, comment): at most MaxTextLength UTF-8 bytes, redacted on the way in.</summary>
    public TextValue? Text(JsonElement? element, string field, bool required, bool allowEmpty)
    {
        var value = String(element, field, required);
        if (value is null)
        {
            return null;
        }

        if (!allowEmpty && string.IsNullOrWhiteSpace(value))
        {
            Fail(field, "Must not be empty.");
            return null;
        }

        if (value.Length > options.MaxTextLength / 3 && Encoding.UTF8.GetByteCount(value) > options.MaxTextLength)
        {
            Fail(field, $"Must be at most {options.MaxTextLength} bytes of UTF-8.");
            return null;
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            Fail(field, "Must not contain NUL (\\u0000) characters.");
            return null;
        }

        return TextValue.Of(value);
    }

    public string? Email(JsonElement? element, string field)
    {
        var value = String(element, field, required: false);
        if (value is null)
        {
            return null;
        }

        if (value.Length > MaxEmailLength || !IsEmail(value))
        {
            Fail(field, "Must be a valid email address such as name@example.com.");
            return null;
        }

        return value;
    }

    /// <summary>A JSON number that is an integer in [min, max]; strings, fractions and exponents are refused.</summary>
    public int? Integer(JsonElement? element, string field, int min, int max, bool required)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(field, "Required.");
            }

            return null;
        }

        if (e.ValueKind != JsonValueKind.Number)
        {
            Fail(field, e.ValueKind == JsonValueKind.String ? "Must be a JSON number, not a string." : "Must be a JSON number.");
            return null;
        }

        // "3.0" and "3e0" are refused too: an integer field takes integers.
        if (!e.TryGetInt64(out var number))
        {
            Fail(field, $"Must be an integer from {min} to {max}.");
            return null;
        }

        if (number < min || number > max)
        {
            Fail(field, $"Must be from {min} to {max}.");
            return null;
        }

        return (int)number;
    }

    /// <summary>RFC 3339 with an offset, not further in the future than the allowed clock skew.</summary>
    public DateTimeOffset? Timestamp(JsonElement? element, string field)
    {
        var value = String(element, field, required: true);
        if (value is null)
        {
            return null;
        }

        var match = Rfc3339().Match(value);
        if (!match.Success)
        {
            Fail(field, "Must be an RFC 3339 time with an offset, e.g. 2025-01-31T14:05:00Z or 2025-01-31T15:05:00+01:00.");
            return null;
        }

        // DateTimeOffset holds 7 fractional digits; RFC 3339 allows more (Go sends 9), so the rest is dropped.
        var fraction = match.Groups["fraction"];
        var normalized = fraction.Length > 7 ? value.Remove(fraction.Index + 7, fraction.Length - 7) : value;
        if (!DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            Fail(field, "Is not a valid date and time.");
            return null;
        }

        if (parsed - now > options.MaxFutureSkew)
        {
            Fail(field, $"Must not be more than {options.MaxFutureSkew.TotalMinutes:0.#} minutes in the future (it is {parsed.ToUniversalTime():O}; the server's time is {now:O}).");
            return null;
        }

        // Kept to the millisecond: the SQLite mapping keeps 100 µs and PostgreSQL 1 µs, and a stored time must
        // compare equal to the same time sent again on both.
        var utc = parsed.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMillisecond));
    }

    /// <summary>A JSON string, or null with an error when it is another type (or a missing required field).</summary>
    public string? String(JsonElement? element, string field, bool required)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(field, "Required.");
            }

            return null;
        }

        if (e.ValueKind != JsonValueKind.String)
        {
            Fail(field, "Must be a JSON string.");
            return null;
        }

        try
        {
            return e.GetString();
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800"): not text any database can store.
            Fail(field, "Must be valid Unicode text (it holds an unpaired surrogate escape).");
            return null;
        }
    }

    /// <summary>
    /// Metadata: an object of at most MaxMetadataDepth levels and MaxMetadataBytes of compact JSON. Returned
    /// as canonical JSON (keys sorted, compact), once as received and once with string values redacted.
    /// </summary>
    public MetadataValue? Metadata(JsonElement? element, string field)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            Fail(field, "Must be a JSON object.");
            return null;
        }

        if (Depth(e) > options.MaxMetadataDepth)
        {
            Fail(field, $"Must be nested at most {options.MaxMetadataDepth} levels deep.");
            return null;
        }

        try
        {
            var original = CanonicalJson.Write(e, redact: false, out _);
            if (Encoding.UTF8.GetByteCount(original) > options.MaxMetadataBytes)
            {
                Fail(field, $"Must be at most {options.MaxMetadataBytes} bytes as compact JSON.");
                return null;
            }

            var redacted = CanonicalJson.Write(e, redact: true, out var redactions);
            return new MetadataValue(original, redacted, redactions);
        }
        catch (InvalidOperationException)
        {
            Fail(field, "Must be valid Unicode text (it holds an unpaired surrogate escape).");
            return null;
        }
    }

    private static int Depth(JsonElement element)
    {
        var deepest = 0;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    deepest = Math.Max(deepest, Depth(property.Value));
                }

                return deepest + 1;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    deepest = Math.Max(deepest, Depth(item));
                }

                return deepest + 1;
            default:
                return 0;
        }
    }

    /// <summary>No control, format, separator, private-use or unassigned characters.</summary>
    public static bool IsPrintable(string value)
    {
        // Most ids are printable ASCII (uuids, "turn-42"): one vectorized check.
        if (!value.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7E))
        {
            return true;
        }

        foreach (var rune in value.EnumerateRunes())
        {
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                case UnicodeCategory.Surrogate:
                    return false;
            }
        }

        return true;
    }

    public static bool IsEmail(string value)
    {
        if (!IsPrintable(value) || value.Any(char.IsWhiteSpace) || !MailAddress.TryCreate(value, out var address) || address.Address != value || address.DisplayName.Length > 0)
        {
            return false;
        }

        var host = address.Host;
        return host.Contains('.', StringComparison.Ordinal) && !host.StartsWith('.') && !host.EndsWith('.') && !host.Contains("..", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.(?<fraction>\d{1,9}))?(?:[Zz]|[+\-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}

/// <summary>Metadata as canonical JSON, as received and redacted.</summary>
internal sealed record MetadataValue(string Original, string Redacted, int Redactions)
{
    public string Stored(bool redact) => redact ? Redacted : Original;
}

/// <summary>
/// Canonical JSON for content hashes and stored metadata: compact, object keys in ordinal order, numbers as
/// sent, strings escaped only where JSON requires it.
/// </summary>
internal static class CanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static string Write(JsonElement element, bool redact, out int redactions)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            redactions = 0;
            WriteValue(writer, element, redact, ref redactions);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes <paramref name="write"/>'s fields as a compact object and returns its SHA-256 in lower-case hex.</summary>
    public static string Hash(Action<Utf8JsonWriter> write)
    {
        // One buffer and writer per thread: a batch hashes hundreds of items, each a few hundred bytes.
        var buffer = t_hashBuffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_hashWriter ??= new Utf8JsonWriter(buffer, WriterOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        write(writer);
        writer.WriteEndObject();
        writer.Flush();
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_hashBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_hashWriter;

    private static void WriteValue(Utf8JsonWriter writer, JsonElement element, bool redact, ref int redactions)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteValue(writer, property.Value, redact, ref redactions);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteValue(writer, item, redact, ref redactions);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (redact)
                {
                    var redacted = PiiRedactor.Redact(text);
                    redactions += redacted.Count;
                    text = redacted.Text;
                }

                writer.WriteStringValue(text);
                break;
            default:
                writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
        }
    }
}
