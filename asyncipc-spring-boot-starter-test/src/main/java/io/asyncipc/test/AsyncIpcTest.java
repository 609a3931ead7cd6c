package io.asyncipc.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Prepares a Spring test of an AsyncIPC application, beside {@code @SpringBootTest} (or any
 * Spring test context):
 * <ul>
 * <li>each pipe of the application context gets a random name of its own, so that test JVMs
 * running at the same time never meet on a pipe; a name that the test sets itself is kept
 * ({@code @SpringBootTest(properties)}, {@code @TestPropertySource},
 * {@code @DynamicPropertySource});</li>
 * <li>a {@link PipeTestClient} parameter of a test method, or of a {@code @BeforeEach}
 * method, is a client connected to the application's server pipe ({@link ConnectTo} picks one
 * of several), closed after the test;</li>
 * <li>a {@link PipeListenerTestHarness} parameter records the invocations of the
 * application's {@code @PipeListener} methods, so that a test can wait for one and see its
 * arguments.</li>
 * </ul>
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;AsyncIpcTest
 * class OrderDeskTests {
 *
 *     &#64;Test
 *     void confirmsAnOrder(PipeTestClient client) {
 *         Confirmation confirmation = client.convertSendAndReceive(new Order("A-17", 3), Confirmation.class);
 *         assertThat(confirmation.orderId()).isEqualTo("A-17");
 *     }
 *
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(AsyncIpcTestExtension.class)
@ContextCustomizerFactories({ UniquePipeNames.class, PipeListenerTestHarness.Registrar.class })
public @interface AsyncIpcTest {

}
