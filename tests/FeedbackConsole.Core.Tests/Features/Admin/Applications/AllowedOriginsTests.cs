using FeedbackConsole.Core.Features.Admin.Applications;

namespace FeedbackConsole.Core.Tests.Features.Admin.Applications;

public sealed class AllowedOriginsTests
{
    [Theory]
    [InlineData("https://chat.example.com", "https://chat.example.com")]
    [InlineData("  https://chat.example.com/  ", "https://chat.example.com")]
    [InlineData("HTTPS://Chat.EXAMPLE.com", "https://chat.example.com")]
    [InlineData("https://chat.example.com:443", "https://chat.example.com")]
    [InlineData("http://chat.example.com:80/", "http://chat.example.com")]
    [InlineData("https://chat.example.com:8443", "https://chat.example.com:8443")]
    [InlineData("http://localhost:5173", "http://localhost:5173")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("http://[::1]:3000", "http://[::1]:3000")]
    [InlineData("https://bücher.example", "https://xn--bcher-kva.example")]
    public void Normalize_Origin_IsWhatABrowserSendsAsOrigin(string input, string expected)
    {
        var (origin, error) = AllowedOrigins.Normalize(input);

        Assert.Null(error);
        Assert.Equal(expected, origin);
    }

    [Theory]
    [InlineData("chat.example.com", "write its scheme and host")]
    [InlineData("localhost:3000", "write its scheme and host")]
    [InlineData("ftp://chat.example.com", "write its scheme and host")]
    [InlineData("https://chat.example.com/widget", "has a path")]
    [InlineData("https://chat.example.com/?a=1", "has a path")]
    [InlineData("https://chat.example.com/#top", "has a path")]
    [InlineData("https://user:pw@chat.example.com", "just the scheme and host")]
    [InlineData("https://*.example.com", "wildcards")]
    [InlineData("*", "wildcards")]
    [InlineData("null", "write its scheme and host")]
    public void Normalize_NotAnOrigin_SaysWhy(string input, string reason)
    {
        var (_, error) = AllowedOrigins.Normalize(input);

        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizeAll_DuplicatesAfterNormalising_AreKeptOnce()
    {
        var (origins, error) = AllowedOrigins.NormalizeAll(["https://a.example.com", "HTTPS://A.example.com/", "", "https://b.example.com"]);

        Assert.Null(error);
        Assert.Equal(["https://a.example.com", "https://b.example.com"], origins);
    }

    [Fact]
    public void NormalizeAll_TooMany_IsRefused()
    {
        var many = Enumerable.Range(1, AllowedOrigins.MaxCount + 1).Select(i => $"https://site{i}.example.com");

        var (_, error) = AllowedOrigins.NormalizeAll(many);

        Assert.Equal($"List at most {AllowedOrigins.MaxCount} origins per key.", error);
    }

    [Fact]
    public void Split_LinesCommasAndSpaces_GivesEachOrigin()
    {
        var parts = AllowedOrigins.Split(" https://a.example.com,https://b.example.com\r\n\nhttp://localhost:3000 ");

        Assert.Equal(["https://a.example.com", "https://b.example.com", "http://localhost:3000"], parts);
    }
}
