package io.asyncipc.test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.asyncipc.messaging.PipeEndpointContainer;
import io.asyncipc.messaging.PipeListenerAnnotationBeanPostProcessor;
import io.asyncipc.transport.PipeRole;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.context.ApplicationContext;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Resolves the {@link PipeTestClient} and {@link PipeListenerTestHarness} parameters of a test
 * annotated {@link AsyncIpcTest}, from the test's Spring application context. A client is
 * made once per test, shared by the test method and its {@code @BeforeEach} methods, and
 * closed when the test ends (JUnit closes what its store holds).
 */
final class AsyncIpcTestExtension implements ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(AsyncIpcTestExtension.class);

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		Class<?> type = parameterContext.getParameter().getType();
		return type == PipeTestClient.class || type == PipeListenerTestHarness.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		ApplicationContext context = SpringExtension.getApplicationContext(extensionContext);
		if (parameterContext.getParameter().getType() == PipeListenerTestHarness.class) {
			return context.getBean(PipeListenerTestHarness.class);
		}
		Optional<ConnectTo> connectTo = parameterContext.findAnnotation(ConnectTo.class);
		PipeEndpointContainer server = serverPipe(context, connectTo.map(ConnectTo::value).orElse(null));
		return extensionContext.getStore(NAMESPACE)
			.computeIfAbsent("client:" + server.getId(), (key) -> connect(context, server), PipeTestClient.class);
	}

	private static PipeTestClient connect(ApplicationContext context, PipeEndpointContainer server) {
		PipeTestClientBuilder builder = PipeTestClient.builder(server).replyTimeout(server.getReplyTimeout());
		if (context.containsBean(PipeListenerAnnotationBeanPostProcessor.MESSAGE_CONVERTER_BEAN_NAME)) {
			builder.messageConverter(context
				.getBean(PipeListenerAnnotationBeanPostProcessor.MESSAGE_CONVERTER_BEAN_NAME, MessageConverter.class));
		}
		return builder.connect();
	}

	/**
	 * Returns the pipe a client connects to: the one named, or the application's only server
	 * pipe.
	 */
	static PipeEndpointContainer serverPipe(ApplicationContext context, String id) {
		Map<String, PipeEndpointContainer> pipes = new TreeMap<>();
		context.getBeansOfType(PipeEndpointContainer.class).values().forEach((pipe) -> pipes.put(pipe.getId(), pipe));
		if (pipes.isEmpty()) {
			throw new ParameterResolutionException("a PipeTestClient connects to the application's pipe, and the "
					+ "application context has none: set asyncipc.name (a server by default), or "
					+ "asyncipc.pipes.<id>.name, in the test's configuration");
		}
		if (id != null) {
			PipeEndpointContainer pipe = pipes.get(id);
			if (pipe == null) {
				throw new ParameterResolutionException("@ConnectTo(\"" + id + "\") names no pipe of the application; "
						+ "its pipes are " + pipes.keySet());
			}
			if (pipe.getRole() != PipeRole.SERVER) {
				throw new ParameterResolutionException("@ConnectTo(\"" + id + "\") names a client pipe, and a "
						+ "PipeTestClient connects to a server pipe");
			}
			return pipe;
		}
		List<PipeEndpointContainer> servers = pipes.values()
			.stream()
			.filter((pipe) -> pipe.getRole() == PipeRole.SERVER)
			.toList();
		if (servers.size() != 1) {
			throw new ParameterResolutionException(servers.isEmpty()
					? "a PipeTestClient connects to a server pipe, and the application's pipes " + pipes.keySet()
							+ " are all clients"
					: "the application has the server pipes "
							+ servers.stream().map(PipeEndpointContainer::getId).toList()
							+ "; name the one to connect to with @ConnectTo(\"<id>\") on the PipeTestClient parameter");
		}
		return servers.get(0);
	}

}
