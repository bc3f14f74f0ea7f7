using System.Net;
using GossipAspire.Dashboard.Configuration;
using GossipAspire.Dashboard.Otlp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Authentication;

/// <summary><c>GET /login</c>: the token form, and <c>/login?t=TOKEN</c>, which signs the browser in.</summary>
public static class LoginApi
{
    public static RouteGroupBuilder MapLoginApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").AllowAnonymous();

        group.MapGet("/login", static async (HttpContext context, IOptions<DashboardOptions> options, string? t, string? returnUrl) =>
        {
            var frontend = options.Value.Frontend;
            var target = IsLocalUrl(returnUrl) ? returnUrl! : "/";
            if (frontend.ParsedAuthMode == FrontendAuthMode.Unsecured)
            {
                return TypedResults.Redirect(target);
            }

            if (t is null)
            {
                return LoginPage(StatusCodes.Status200OK, error: null, returnUrl);
            }

            if (!OtlpApiKey.FixedTimeEquals(t.Trim(), frontend.BrowserToken))
            {
                return LoginPage(StatusCodes.Status401Unauthorized, "That token is not valid. Copy the login URL the AppHost (or the dashboard) printed.", returnUrl);
            }

            await context.SignInAsync(
                CookieAuthenticationDefaults.AuthenticationScheme,
                FrontendAuthentication.CreatePrincipal(CookieAuthenticationDefaults.AuthenticationScheme),
                new AuthenticationProperties { IsPersistent = true });
            return TypedResults.Redirect(target);
        });

        group.MapPost("/logout", static async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.Redirect("/login");
        }).DisableAntiforgery();

        return group;
    }

    private static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    private static IResult LoginPage(int statusCode, string? error, string? returnUrl)
    {
        var errorHtml = error is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        var returnField = IsLocalUrl(returnUrl) ? $"<input type=\"hidden\" name=\"returnUrl\" value=\"{WebUtility.HtmlEncode(returnUrl)}\">" : "";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Log in · GossipAspire dashboard</title>
              <style>
                body { font-family: "Segoe UI", system-ui, sans-serif; background: #f5f5f5; display: grid; place-items: center; height: 100vh; margin: 0; }
                main { background: white; padding: 2rem 2.5rem; border-radius: 8px; box-shadow: 0 2px 8px rgba(0,0,0,.12); width: 26rem; }
                h1 { font-size: 1.3rem; margin-top: 0; }
                input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; margin: .5rem 0 1rem; }
                button { background: #0f6cbd; color: white; border: 0; border-radius: 4px; padding: .5rem 1.2rem; font-size: 1rem; cursor: pointer; }
                .error { color: #b10e1c; }
                p.hint { color: #555; font-size: .9rem; }
              </style>
            </head>
            <body>
              <main>
                <h1>GossipAspire dashboard</h1>
                {{errorHtml}}
                <form method="get" action="/login">
                  <label for="token">Browser token</label>
                  <input id="token" name="t" type="password" autocomplete="off" autofocus>
                  {{returnField}}
                  <button type="submit">Log in</button>
                </form>
                <p class="hint">The AppHost prints a login URL with the token (<code>/login?t=...</code>); a dashboard started on its own prints one too.</p>
              </main>
            </body>
            </html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
    }
}
