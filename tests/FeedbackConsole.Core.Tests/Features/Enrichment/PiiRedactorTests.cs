using System.Diagnostics;
using FeedbackConsole.Core.Features.Enrichment;

namespace FeedbackConsole.Core.Tests.Features.Enrichment;

public sealed class PiiRedactorTests
{
    [Theory]
    [InlineData("write to jane.doe@example.com please", "write to [email] please")]
    [InlineData("Mail: j_smith+tag@mail.example.co.uk.", "Mail: [email].")]
    [InlineData("ünïcödé@exämple.de", "[email]")]
    public void Redact_Email_IsReplaced(string text, string expected)
    {
        var result = PiiRedactor.Redact(text);

        Assert.Equal(expected, result.Text);
        Assert.Equal(1, result.Count);
    }

    [Theory]
    [InlineData("4111 1111 1111 1111")] // Visa test number, spaced
    [InlineData("4111-1111-1111-1111")]
    [InlineData("5500005555555559")] // Mastercard, unseparated
    [InlineData("3782 822463 10005")] // Amex, 15 digits
    [InlineData("4222222222222")] // 13 digits
    public void Redact_LuhnValidCard_IsReplaced(string card)
    {
        var result = PiiRedactor.Redact($"my card is {card}, expiry 12/27");

        Assert.Equal("my card is [card], expiry 12/27", result.Text);
        Assert.Equal(1, result.Count);
    }

    [Theory]
    [InlineData("4111 1111 1111 1112")]
    [InlineData("5500005555555558")]
    [InlineData("1234-5678-9012-3456")]
    public void Redact_LuhnInvalidCard_IsNotACard(string number)
    {
        var result = PiiRedactor.Redact($"reference {number}");

        Assert.DoesNotContain("[card]", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_CardFollowedByAnotherNumber_ReplacesOnlyTheCard()
    {
        var result = PiiRedactor.Redact("card 4111 1111 1111 1111 2027");

        Assert.Equal("card [card] 2027", result.Text);
    }

    [Theory]
    [InlineData("DE89 3704 0044 0532 0130 00")]
    [InlineData("DE89370400440532013000")]
    [InlineData("GB82 WEST 1234 5698 7654 32")]
    [InlineData("fr14 2004 1010 0505 0001 3m02 606")]
    public void Redact_ValidIban_IsReplaced(string iban)
    {
        var result = PiiRedactor.Redact($"IBAN {iban} thanks");

        Assert.Equal("IBAN [iban] thanks", result.Text);
        Assert.Equal(1, result.Count);
    }

    [Theory]
    [InlineData("DE89 3704 0044 0532 0130 01")] // wrong check digits
    [InlineData("GB82 WEST 1234 5698 7654 33")]
    [InlineData("XX00 ABCD EFGH IJKL")]
    public void Redact_InvalidIban_IsNotAnIban(string text)
    {
        var result = PiiRedactor.Redact(text);

        Assert.DoesNotContain("[iban]", result.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+1 415 555 2671")]
    [InlineData("+1-415-555-2671")]
    [InlineData("+44 20 7946 0958")]
    [InlineData("+49 (0)30 1234567")]
    [InlineData("+33 1 23 45 67 89")]
    [InlineData("0049 30 1234567")]
    [InlineData("(415) 555-2671")]
    [InlineData("415-555-2671")]
    [InlineData("415.555.2671")]
    [InlineData("020 7946 0958")]
    [InlineData("07700 900123")]
    [InlineData("0171 1234567")]
    [InlineData("01 23 45 67 89")]
    [InlineData("030/1234567")]
    [InlineData("07700900123")]
    [InlineData("4155552671")]
    public void Redact_PhoneNumber_IsReplaced(string phone)
    {
        var result = PiiRedactor.Redact($"call me on {phone} tomorrow");

        Assert.Equal("call me on [phone] tomorrow", result.Text);
        Assert.Equal(1, result.Count);
    }

    [Theory]
    [InlineData("In 2024 we sold 1,299 units at $19.99 each.")]
    [InlineData("Order #123456 shipped on 2024-01-15 at 10:30.")]
    [InlineData("Order 654321 and ticket 98765.")]
    [InlineData("Due 15.01.2024 or 01/15/2024; invoice 2024-01-15T10:30:00Z.")]
    [InlineData("Population 1.234.567, or 1 234 567 in French.")]
    [InlineData("pi is 3.14159265 and e is 2.7182818.")]
    [InlineData("Upgrade to v10.0.15 or 3.11.4, 50% off, 1 2 3 4 5 6 7 8.")]
    [InlineData("std::vector and A::B are code, ::1 is loopback, 12:30:45 is a time.")]
    [InlineData("ORD-1234567 and INV/20240115 are references.")]
    public void Redact_OrdinaryNumbers_AreKept(string text)
    {
        var result = PiiRedactor.Redact(text);

        Assert.Equal(text, result.Text);
        Assert.Equal(0, result.Count);
    }

    [Theory]
    [InlineData("from 192.168.10.42 today", "from [ip] today")]
    [InlineData("host 8.8.8.8.", "host [ip].")]
    [InlineData("addr 2001:db8:85a3::8a2e:370:7334 seen", "addr [ip] seen")]
    [InlineData("addr 2001:0db8:0000:0000:0000:ff00:0042:8329.", "addr [ip].")]
    [InlineData("mapped ::ffff:192.0.2.128 here", "mapped [ip] here")]
    [InlineData("url http://[2001:db8::7]:8080/", "url http://[[ip]]:8080/")]
    public void Redact_IpAddresses_AreReplaced(string text, string expected)
    {
        var result = PiiRedactor.Redact(text);

        Assert.Equal(expected, result.Text);
        Assert.Equal(1, result.Count);
    }

    [Theory]
    [InlineData("version 1.2.3 and 999.1.1.1")]
    [InlineData("10:30:45 and 00:1A:2B:3C:4D:5E")]
    public void Redact_NotAnAddress_IsKept(string text)
    {
        Assert.Equal(text, PiiRedactor.Redact(text).Text);
    }

    [Fact]
    public void Redact_SeveralKindsInOneText_ReplacesEachAndCountsThem()
    {
        const string text = "I'm jane@example.com, phone +44 20 7946 0958 or 020 7946 0958, card 4111 1111 1111 1111, " +
                            "IBAN DE89 3704 0044 0532 0130 00, IP 10.0.0.1, and jane@example.org again.";

        var result = PiiRedactor.Redact(text);

        Assert.Equal("I'm [email], phone [phone] or [phone], card [card], IBAN [iban], IP [ip], and [email] again.", result.Text);
        Assert.Equal(7, result.Count);
    }

    [Fact]
    public void Redact_TextWithoutDigitsAtOrColon_IsReturnedAsIs()
    {
        const string text = "Nothing personal here, just words.";

        var result = PiiRedactor.Redact(text);

        Assert.Same(text, result.Text);
        Assert.Equal(0, result.Count);
    }

    [Theory]
    [InlineData('1')]
    [InlineData('a')]
    [InlineData(':')]
    public void Redact_LongRunsOfOneCharacter_StaysFast(char c)
    {
        var texts = new[]
        {
            new string(c, 32 * 1024),
            string.Join(' ', Enumerable.Repeat(new string(c, 3), 8000)),
            string.Join('.', Enumerable.Repeat(new string(c, 2), 10000)) + "x",
            new string(c, 16 * 1024) + "@" + new string(c, 16 * 1024),
        };

        var watch = Stopwatch.StartNew();
        foreach (var text in texts)
        {
            _ = PiiRedactor.Redact(text);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"Redaction took {watch.Elapsed}.");
    }
}
