using System.Security.Claims;
using System.Text.Encodings.Web;
using GossipAspire.Dashboard.Configuration;
using GossipAspire.Dashboard.Otlp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Authentication;

/// <summary>
/// BrowserToken auth as the Aspire dashboard does it: <c>/login?t=TOKEN</c> trades the token for a cookie;
/// tools may send <c>Authorization: Bearer TOKEN</c> instead. With <c>Unsecured</c> everything is open.
/// </summary>
public static class FrontendAuthentication
{
    public const string PolicyName = "Frontend";
    public const string FrontendScheme = "Frontend";
    public const string BearerScheme = "BrowserTokenBearer";
    public const string CookieName = ".GossipAspire.Dashboard";

    public static WebApplicationBuilder AddFrontendAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(FrontendScheme)
            .AddPolicyScheme(FrontendScheme, "Browser token (cookie or bearer)", scheme =>
                scheme.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? BearerScheme
                        : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.LoginPath = "/login";
                cookie.ExpireTimeSpan = TimeSpan.FromDays(3);
                cookie.Events.OnRedirectToLogin = context =>
                {
                    // Tools get a status, browsers the login page.
                    if (context.Request.Path.StartsWithSegments("/api"))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    }

                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, BrowserTokenBearerHandler>(BearerScheme, null);

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PolicyName, policy => policy.AddRequirements(new FrontendAccessRequirement()))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new FrontendAccessRequirement()).Build());
        builder.Services.AddSingleton<IAuthorizationHandler, FrontendAccessHandler>();

        return builder;
    }

    public static ClaimsPrincipal CreatePrincipal(string scheme) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "dashboard-user")], scheme));
}

/// <summary>Met when the frontend is Unsecured, or the user holds the browser token.</summary>
public sealed class FrontendAccessRequirement : IAuthorizationRequirement;

public sealed class FrontendAccessHandler(IOptions<DashboardOptions> options) : AuthorizationHandler<FrontendAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, FrontendAccessRequirement requirement)
    {
        if (options.Value.Frontend.ParsedAuthMode == FrontendAuthMode.Unsecured || context.User.Identity?.IsAuthenticated == true)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary><c>Authorization: Bearer TOKEN</c> for tools calling the JSON API.</summary>
public sealed class BrowserTokenBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<DashboardOptions> dashboardOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var token = header["Bearer ".Length..].Trim();
        return Task.FromResult(OtlpApiKey.FixedTimeEquals(token, dashboardOptions.Value.Frontend.BrowserToken)
            ? AuthenticateResult.Success(new AuthenticationTicket(FrontendAuthentication.CreatePrincipal(Scheme.Name), Scheme.Name))
            : AuthenticateResult.Fail("The bearer token is not the dashboard's browser token."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}
