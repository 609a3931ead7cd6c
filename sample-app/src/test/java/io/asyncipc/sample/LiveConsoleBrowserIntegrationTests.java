package io.asyncipc.sample;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The sample's live console in a real headless Chromium: two sample processes, a server and
 * a client on one pipe, each with its page open. A message typed into one page arrives live
 * on the other; stopping the server shows the disconnect on the client's page, and a new
 * server the reconnect.
 * <p>
 * It needs Debian's {@code chromium} and {@code chromium-driver} (other paths with
 * {@code -Dasyncipc.chromium=...} and {@code -Dasyncipc.chromedriver=...}). Without them it is
 * skipped, unless {@code ASYNCIPC_REQUIRE_BROWSER=1} (as in CI), where it fails. Its
 * screenshots go to {@code target/console-screenshots/}, and those that the README shows also
 * to the folder that {@code -Dasyncipc.screenshots=...} names: {@code ../docs/images}, as the
 * test runs in {@code sample-app}.
 */
class LiveConsoleBrowserIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(45);

	private static final Path TARGET = Paths.get("target");

	private static final String DASH = "\u2013";

	private final String pipeName = "console-" + UUID.randomUUID().toString().substring(0, 8);

	private SampleProcess server;

	private SampleProcess client;

	private SampleProcess restartedServer;

	private WebDriver browser;

	@BeforeEach
	void openBrowser(@TempDir Path profile) {
		File chromium = new File(System.getProperty("asyncipc.chromium", "/usr/bin/chromium"));
		File chromedriver = new File(System.getProperty("asyncipc.chromedriver", "/usr/bin/chromedriver"));
		if (!chromium.canExecute() || !chromedriver.canExecute()) {
			String message = "no browser to test the live console in: " + chromium + " and " + chromedriver
					+ " must both exist (apt-get install chromium chromium-driver)";
			if ("1".equals(System.getenv("ASYNCIPC_REQUIRE_BROWSER"))) {
				fail(message + "; ASYNCIPC_REQUIRE_BROWSER=1 requires them");
			}
			abort(message + "; skipped");
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium);
		// Headless as root, and quiet on a machine with no network beyond localhost.
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1400,900");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
			.usingAnyFreePort()
			.withLogOutput(java.io.OutputStream.nullOutputStream())
			.build();
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void closeAll() throws Exception {
		if (this.browser != null) {
			this.browser.quit();
		}
		for (SampleProcess sample : new SampleProcess[] { this.client, this.server, this.restartedServer }) {
			if (sample != null) {
				sample.close();
			}
		}
	}

	@Test
	void aMessageTypedOnOnePageArrivesOnTheOtherAndTheClientsPageShowsTheServerLeaveAndReturn() throws Exception {
		Path logs = TARGET.resolve("console-test");
		this.server = SampleProcess.start("server", logs, "--asyncipc.name=" + this.pipeName);
		this.client = SampleProcess.start("client", logs, "--asyncipc.name=" + this.pipeName,
				"--asyncipc.role=client", "--asyncipc.client.max-backoff=500ms");

		this.browser.get(this.server.url());
		String serverPage = this.browser.getWindowHandle();
		this.browser.switchTo().newWindow(WindowType.WINDOW);
		// The client's page in the dark scheme, so that the screenshots show both.
		((ChromeDriver) this.browser).executeCdpCommand("Emulation.setEmulatedMedia",
				Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
		this.browser.get(this.client.url());
		String clientPage = this.browser.getWindowHandle();

		// Each page shows its pipe, and the other process on its one connection.
		await("the client's page shows its pipe connected to the server's pid",
				(d) -> state(d).equals("CONNECTED") && connectionPids(d).equals(List.of(this.server.pid())));
		this.browser.switchTo().window(serverPage);
		await("the server's page shows the pipe listening with the client's pid on a connection",
				(d) -> state(d).equals("LISTENING") && connectionPids(d).equals(List.of(this.client.pid())));
		// The table is drawn anew with each state the page gets: read it in a wait that retries a row gone stale.
		String connectionId = read("the server's connection id",
				(d) -> d.findElement(By.cssSelector(".connections tbody tr")).getAttribute("data-connection"));
		assertThat(read("the connection's age", (d) -> d.findElement(By.cssSelector(".connections tbody tr .since"))
			.getText())).matches("\\d+(s|m \\d+s)");

		// Client to server, with markup in it: the server's page shows it as text, and counts it.
		await("the server's page shows its meters", (d) -> !meter(d, "asyncipc.messages.received").equals(DASH));
		long receivedBefore = Long
			.parseLong(read("the messages received", (d) -> meter(d, "asyncipc.messages.received")));
		String fromClient = "hello <b>server</b> " + UUID.randomUUID();
		this.browser.switchTo().window(clientPage);
		send(fromClient, "*");
		await("the client's page shows its message going out", (d) -> eventRow(d, "out", fromClient) != null);
		this.browser.switchTo().window(serverPage);
		await("the server's page shows the client's message arriving", (d) -> eventRow(d, "in", fromClient) != null);
		WebElement arrived = eventRow(this.browser, "in", fromClient);
		assertThat(arrived.findElement(By.cssSelector(".pipe-id")).getText()).isEqualTo("default");
		assertThat(arrived.findElement(By.cssSelector(".connection")).getText()).isEqualTo(connectionId);
		assertThat(arrived.findElements(By.tagName("b"))).as("the payload's markup is shown, not rendered").isEmpty();

		// One more, so that the count cannot be the envelope's handshake (a message of the
		// transport too) that arrived after the count was read.
		String another = "and another " + UUID.randomUUID();
		this.browser.switchTo().window(clientPage);
		send(another, "*");
		this.browser.switchTo().window(serverPage);
		await("the server's page counts the messages received, on its one connection",
				(d) -> eventRow(d, "in", another) != null
						&& Long.parseLong(meter(d, "asyncipc.messages.received")) >= receivedBefore + 2
						&& meter(d, "asyncipc.connections").equals("1"));

		// Server to that one client.
		String fromServer = "hello client " + UUID.randomUUID();
		send(fromServer, connectionId);
		await("the server's page shows its message going out", (d) -> eventRow(d, "out", fromServer) != null);
		screenshot("console-server", true);
		this.browser.switchTo().window(clientPage);
		await("the client's page shows the server's message arriving", (d) -> eventRow(d, "in", fromServer) != null);
		// Both processes name the connection alike: the server's id, which its hello gave the client.
		assertThat(eventRow(this.browser, "in", fromServer).findElement(By.cssSelector(".connection")).getText())
			.isEqualTo(connectionId);
		screenshot("console-client", false);

		// The server goes away: the client's page shows the disconnect and the pipe down.
		this.server.stop(TIMEOUT);
		await("the client's page shows the disconnect and its pipe trying again",
				(d) -> count(d, "disconnected") == 1 && List.of("CONNECTING", "RECONNECTING").contains(state(d))
						&& health(d).equals("health DOWN") && connectionPids(d).isEmpty());

		// A new server on the same name: the client reconnects, and messages flow again.
		this.restartedServer = SampleProcess.start("server-restarted", logs, "--asyncipc.name=" + this.pipeName);
		await("the client's page shows the reconnect to the new server",
				(d) -> count(d, "connected") == 2 && state(d).equals("CONNECTED")
						&& connectionPids(d).equals(List.of(this.restartedServer.pid())));
		await("the client's page counts the reconnect", (d) -> !meter(d, "asyncipc.reconnects").equals(DASH)
				&& Integer.parseInt(meter(d, "asyncipc.reconnects")) >= 1);
		screenshot("console-client-reconnected", true);
		String again = "back again " + UUID.randomUUID();
		send(again, "*");
		this.browser.switchTo().window(serverPage);
		this.browser.get(this.restartedServer.url());
		await("the new server's page shows the message sent after the reconnect",
				(d) -> eventRow(d, "in", again) != null);
	}

	private String read(String what, Function<WebDriver, String> value) {
		return new WebDriverWait(this.browser, TIMEOUT).withMessage(what)
			.ignoring(StaleElementReferenceException.class)
			.until(value);
	}

	private void await(String what, Function<WebDriver, Boolean> condition) throws Exception {
		try {
			new WebDriverWait(this.browser, TIMEOUT).withMessage(what)
				.ignoring(StaleElementReferenceException.class)
				.until(condition);
		}
		catch (TimeoutException ex) {
			Files.write(Files.createDirectories(TARGET.resolve("console-screenshots")).resolve("failed.png"),
					((TakesScreenshot) this.browser).getScreenshotAs(OutputType.BYTES));
			throw ex;
		}
	}

	private void send(String text, String target) throws Exception {
		// The list is drawn anew when the connections change: pick the target in a wait that retries.
		await("the send box offers " + target, (d) -> {
			new Select(d.findElement(By.id("send-target"))).selectByValue(target);
			return target.equals(d.findElement(By.id("send-target")).getDomProperty("value"));
		});
		WebElement input = this.browser.findElement(By.id("send-text"));
		input.sendKeys(text);
		this.browser.findElement(By.id("send-button")).click();
		await("the send box reports the message sent",
				(d) -> d.findElement(By.id("send-result")).getText().startsWith("sent to 1 connection"));
	}

	private static String state(WebDriver page) {
		return page.findElement(By.cssSelector(".pipe[data-pipe='default'] .state")).getText();
	}

	private static String health(WebDriver page) {
		return page.findElement(By.cssSelector(".pipe[data-pipe='default'] .health")).getText();
	}

	private static List<Long> connectionPids(WebDriver page) {
		return page.findElements(By.cssSelector(".pipe[data-pipe='default'] .connections tbody tr .pid"))
			.stream()
			.map((cell) -> Long.parseLong(cell.getText()))
			.toList();
	}

	private static WebElement eventRow(WebDriver page, String type, String text) {
		return page.findElements(By.cssSelector("#events tr[data-type='" + type + "']"))
			.stream()
			.filter((row) -> row.findElement(By.cssSelector(".text")).getText().equals(text))
			.findFirst()
			.orElse(null);
	}

	private static String stateTime(WebDriver page) {
		return String.valueOf(page.findElement(By.tagName("body")).getAttribute("data-state-time"));
	}

	private static String meter(WebDriver page, String name) {
		return page.findElement(By.cssSelector(".pipe[data-pipe='default'] [data-meter='" + name + "'] .value"))
			.getText();
	}

	private static int count(WebDriver page, String type) {
		return page.findElements(By.cssSelector("#events tr[data-type='" + type + "']")).size();
	}

	/**
	 * Saves what the page shows under {@code target/console-screenshots}, and where the README
	 * shows it also in the folder of {@code -Dasyncipc.screenshots}.
	 */
	private void screenshot(String name, boolean inReadme) throws Exception {
		// The meters as they are now, not as the last push before the events showed them.
		String shown = stateTime(this.browser);
		await("the page gets a fresh state", (d) -> !shown.equals(stateTime(d)));
		byte[] png = ((TakesScreenshot) this.browser).getScreenshotAs(OutputType.BYTES);
		Path dir = Files.createDirectories(TARGET.resolve("console-screenshots"));
		Files.write(dir.resolve(name + ".png"), png);
		String published = System.getProperty("asyncipc.screenshots");
		if (inReadme && published != null && !published.isBlank()) {
			Path to = Files.createDirectories(Paths.get(published));
			Files.copy(dir.resolve(name + ".png"), to.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
		}
	}

}
