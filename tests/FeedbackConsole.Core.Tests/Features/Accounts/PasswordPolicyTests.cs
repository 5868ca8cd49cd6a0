using FeedbackConsole.Core.Features.Accounts;

namespace FeedbackConsole.Core.Tests.Features.Accounts;

public sealed class PasswordPolicyTests
{
    [Theory]
    [InlineData("elevenchars")]
    [InlineData("")]
    public void Check_ShorterThan12_IsRefused(string password) =>
        Assert.Equal("Passwords must be at least 12 characters long.", PasswordPolicy.Check(password));

    [Theory]
    [InlineData("twelve chars")]                 // spaces allowed, no digits or capitals required
    [InlineData("alllowercaseletters")]
    [InlineData("123456789012")]
    public void Check_TwelveOrMoreOfAnything_IsAccepted(string password) =>
        Assert.Null(PasswordPolicy.Check(password));

    [Fact]
    public void Check_128Characters_IsAccepted_129Refused()
    {
        Assert.Null(PasswordPolicy.Check(new string('a', 128)));
        Assert.Equal("Passwords may be at most 128 characters long.", PasswordPolicy.Check(new string('a', 129)));
    }

    [Fact]
    public void Check_CountsUserPerceivedCharacters()
    {
        // Eleven emoji are 22 UTF-16 code units but still only 11 characters to the person typing them.
        var elevenEmoji = string.Concat(Enumerable.Repeat("🔑", 11));
        Assert.NotNull(PasswordPolicy.Check(elevenEmoji));
        Assert.Null(PasswordPolicy.Check(elevenEmoji + "🔑"));
    }

    [Fact]
    public void GenerateOneTimePassword_MeetsPolicyAndDiffersEachTime()
    {
        var passwords = Enumerable.Range(0, 50).Select(_ => PasswordPolicy.GenerateOneTimePassword()).ToList();

        Assert.All(passwords, p => Assert.Null(PasswordPolicy.Check(p)));
        Assert.Equal(passwords.Count, passwords.Distinct(StringComparer.Ordinal).Count());
        Assert.All(passwords, p => Assert.DoesNotContain(p, c => "0O1lI".Contains(c, StringComparison.Ordinal)));
    }
}
