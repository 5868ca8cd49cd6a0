using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace FeedbackConsole.Core.Features.Enrichment;

/// <summary>Text with personal data replaced by tokens, and how many pieces were replaced.</summary>
public readonly record struct Redacted(string Text, int Count);

/// <summary>
/// Replaces personal data in free text with tokens before anything is stored: emails (<c>[email]</c>), IP
/// addresses (<c>[ip]</c>), IBANs that pass the mod-97 check (<c>[iban]</c>), payment card numbers of 13–19
/// digits that pass the Luhn check (<c>[card]</c>) and phone numbers (<c>[phone]</c>). Pure: no state, no I/O.
/// </summary>
/// <remarks>
/// Each kind is its own pass, most specific first, so that a card or an IBAN is not half-eaten as a phone
/// number. Tokens hold no digits, '@' or ':', so a later pass never matches inside an earlier token. Every
/// pattern anchors its start with a look-behind, so a long run of digits or letters is tried from one
/// position only and matching stays linear. Should a pattern still time out, the whole text is replaced:
/// failing closed is the only safe answer when the original must never be stored.
/// </remarks>
public static partial class PiiRedactor
{
    public const string EmailToken = "[email]";
    public const string PhoneToken = "[phone]";
    public const string CardToken = "[card]";
    public const string IbanToken = "[iban]";
    public const string IpToken = "[ip]";
    public const string WholeTextToken = "[redacted]";

    private const int TimeoutMilliseconds = 2000;
    private const int MaxPhoneDigits = 15;

    // Text without any of these holds none of the kinds above: the common case costs one vectorized scan.
    private static readonly SearchValues<char> Triggers = SearchValues.Create("0123456789@:");

    public static Redacted Redact(string text)
    {
        if (string.IsNullOrEmpty(text) || text.AsSpan().IndexOfAny(Triggers) < 0)
        {
            return new Redacted(text, 0);
        }

        try
        {
            var count = 0;
            text = ReplaceWhole(Email(), text, EmailToken, static v => v.Contains('.', StringComparison.Ordinal), ref count);
            text = ReplaceWhole(Ipv6Candidate(), text, IpToken, IsIpv6, ref count);
            text = ReplaceWhole(Ipv4(), text, IpToken, static _ => true, ref count);
            text = ReplaceWindows(IbanCandidate(), text, IbanToken, [' '], IsIban, anchorAtFirstWord: true, maxDigits: 34, ref count);
            text = ReplaceWindows(CardCandidate(), text, CardToken, [' ', '-'], IsCard, anchorAtFirstWord: false, maxDigits: 19, ref count);
            text = ReplaceWindows(PhoneCandidate(), text, PhoneToken, [' '], IsPhone, anchorAtFirstWord: false, maxDigits: MaxPhoneDigits, ref count);
            return new Redacted(text, count);
        }
        catch (RegexMatchTimeoutException)
        {
            return new Redacted(WholeTextToken, 1);
        }
    }

    /// <summary>True for an IBAN (spaces allowed) whose check digits pass ISO 7064 mod 97-10.</summary>
    public static bool IsIban(string value)
    {
        Span<char> compact = stackalloc char[34];
        var length = 0;
        foreach (var c in value)
        {
            if (c == ' ')
            {
                continue;
            }

            if (length == compact.Length || !char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }

            compact[length++] = char.ToUpperInvariant(c);
        }

        if (length < 15 || !char.IsAsciiLetter(compact[0]) || !char.IsAsciiLetter(compact[1])
            || !char.IsAsciiDigit(compact[2]) || !char.IsAsciiDigit(compact[3]))
        {
            return false;
        }

        // Country code and check digits move to the end, letters count as 10..35, and the remainder is taken
        // digit by digit so that no big integers are needed.
        var remainder = 0;
        for (var i = 0; i < length; i++)
        {
            var c = compact[(i + 4) % length];
            remainder = char.IsAsciiDigit(c)
                ? ((remainder * 10) + (c - '0')) % 97
                : ((remainder * 100) + (c - 'A' + 10)) % 97;
        }

        return remainder == 1;
    }

    /// <summary>True for 13–19 digits (spaces or dashes between them allowed) that pass the Luhn check.</summary>
    public static bool IsCard(string value)
    {
        var sum = 0;
        var digits = 0;
        for (var i = value.Length - 1; i >= 0; i--)
        {
            var c = value[i];
            if (!char.IsAsciiDigit(c))
            {
                continue;
            }

            var d = c - '0';
            if (digits % 2 == 1)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
            digits++;
        }

        return digits is >= 13 and <= 19 && sum % 10 == 0;
    }

    /// <summary>
    /// True when digits written with the separators people use (spaces, dots, dashes, slashes, an area code in
    /// parentheses) look like a phone number rather than a date, an amount, a decimal or a short reference.
    /// </summary>
    public static bool IsPhone(string value)
    {
        var digits = CountDigits(value);
        if (digits is < 7 or > MaxPhoneDigits)
        {
            return false;
        }

        // An international prefix ("+44 …", "0044 …") says phone on its own.
        if (value[0] == '+' || value.StartsWith("00", StringComparison.Ordinal))
        {
            return true;
        }

        if (Date().IsMatch(value))
        {
            return false;
        }

        var groups = value.Split([' ', '.', '-', '/', '(', ')'], StringSplitOptions.RemoveEmptyEntries);
        if (groups.Length == 1)
        {
            // An unseparated run: a national number with its trunk 0 ("07700900123"), or ten digits or more
            // (a North American number). Shorter runs are order numbers, amounts and the like.
            return value[0] == '0' ? digits >= 9 : digits >= 10;
        }

        var hasParentheses = value.Contains('(', StringComparison.Ordinal);
        if (!hasParentheses)
        {
            // "3.14159265" is a decimal; "1.234.567" and "1 234 567" are amounts with thousands separators.
            if (groups.Length == 2 && value.Count(c => c == '.') == 1 && groups[0].Length + groups[1].Length + 1 == value.Length)
            {
                return false;
            }

            if (groups[0].Length <= 3 && groups.Skip(1).All(g => g.Length == 3))
            {
                return false;
            }
        }

        // Phone numbers are written in groups of two digits or more; a lone digit only opens the number
        // ("1 415 …") or stands in parentheses ("(0)30 …"). "1 2 3 4 5 6 7" is a list.
        for (var i = 1; i < groups.Length; i++)
        {
            if (groups[i].Length == 1 && !value.Contains("(" + groups[i] + ")", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIpv6(string value)
    {
        if (value.Count(c => c == ':') < 2 || !IPAddress.TryParse(value, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        // "::1", "fe80::1" and C++-like "A::B" name no one; three groups or more (or an embedded IPv4 address)
        // are specific enough to point at a machine and so at a person.
        return value.Split(':', StringSplitOptions.RemoveEmptyEntries).Length >= 3 || value.Contains('.', StringComparison.Ordinal);
    }

    private static int CountDigits(string value)
    {
        var digits = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        return digits;
    }

    /// <summary>Replaces each candidate that <paramref name="accept"/> confirms, keeping a trailing full stop outside the token.</summary>
    private static string ReplaceWhole(Regex candidates, string text, string token, Func<string, bool> accept, ref int count)
    {
        var replaced = 0;
        var result = candidates.Replace(text, match =>
        {
            var value = match.Value;
            var core = value.TrimEnd('.');
            if (core.Length == 0 || !accept(core))
            {
                return value;
            }

            replaced++;
            return token + value[core.Length..];
        });
        count += replaced;
        return result;
    }

    /// <summary>
    /// A candidate is a run of words (split at <paramref name="separators"/>) that may hold the thing sought
    /// next to unrelated numbers ("call 020 7946 0958 2 times", a card followed by a year). From each word,
    /// the longest run of following words that <paramref name="accept"/> confirms is replaced.
    /// </summary>
    private static string ReplaceWindows(Regex candidates, string text, string token, char[] separators, Func<string, bool> accept, bool anchorAtFirstWord, int maxDigits, ref int count)
    {
        var replaced = 0;
        var result = candidates.Replace(text, match =>
        {
            var value = match.Value;
            if (accept(value))
            {
                replaced++;
                return token;
            }

            var words = Words(value, separators);
            if (words.Count == 1)
            {
                return value;
            }

            // Digits before each word, so that windows with more digits than anything sought are never tried and
            // a long list of numbers costs a bounded number of checks per word.
            var digitsBefore = new int[words.Count + 1];
            for (var w = 0; w < words.Count; w++)
            {
                digitsBefore[w + 1] = digitsBefore[w] + CountDigits(value.Substring(words[w].Start, words[w].Length));
            }

            var output = new StringBuilder(value.Length);
            var written = 0;
            var last = anchorAtFirstWord ? 1 : words.Count;
            for (var i = 0; i < last; i++)
            {
                var longest = i;
                while (longest + 1 < words.Count && digitsBefore[longest + 2] - digitsBefore[i] <= maxDigits)
                {
                    longest++;
                }

                for (var j = longest; j >= i; j--)
                {
                    var start = words[i].Start;
                    var end = words[j].Start + words[j].Length;
                    if ((i == 0 && j == words.Count - 1) || !accept(value[start..end]))
                    {
                        continue;
                    }

                    output.Append(value, written, start - written).Append(token);
                    written = end;
                    replaced++;
                    i = j;
                    break;
                }
            }

            return written == 0 ? value : output.Append(value, written, value.Length - written).ToString();
        });
        count += replaced;
        return result;
    }

    private static List<(int Start, int Length)> Words(string value, char[] separators)
    {
        var words = new List<(int Start, int Length)>();
        var start = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i == value.Length || Array.IndexOf(separators, value[i]) >= 0)
            {
                if (i > start)
                {
                    words.Add((start, i - start));
                }

                start = i + 1;
            }
        }

        return words;
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}_.%+\-])[\p{L}\p{N}_.%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex Email();

    // Bounded by the longest textual IPv6 address (45 characters) plus a full stop, so a long run of hex
    // digits and colons costs at most that many steps.
    [GeneratedRegex(@"(?<![\w:.])[0-9A-Fa-f:.]{2,46}(?![\w:])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex Ipv6Candidate();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\.?\d)", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex Ipv4();

    // Country code, check digits, then groups of four (spaced or not) and a last group of one to four.
    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?(?![A-Za-z0-9])", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex IbanCandidate();

    // Each repetition takes exactly one digit, so there is one way to match and backtracking stays bounded.
    [GeneratedRegex(@"(?<![\d\-])\d(?:[ \-]?\d){12,18}(?![\d\-]?\d)", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex CardCandidate();

    // An optional "+", then groups of digits each introduced by exactly one separator (space, dot, dash,
    // slash) or an area code in parentheses. Which candidates are phones is decided by IsPhone.
    [GeneratedRegex(@"(?<![\w+.\-/(])(?:\+|\(\d{1,5}\) ?)?\d+(?:[ .\-/](?:\(\d{1,5}\) ?)?\d+|\(\d{1,5}\) ?\d+)*(?!\w)", RegexOptions.CultureInvariant, TimeoutMilliseconds)]
    private static partial Regex PhoneCandidate();

    [GeneratedRegex(@"^(?:\d{4}[\-./]\d{1,2}[\-./]\d{1,2}|\d{1,2}[\-./]\d{1,2}[\-./]\d{2,4})(?:\D|$)", RegexOptions.CultureInvariant)]
    private static partial Regex Date();
}
