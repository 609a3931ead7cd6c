package com.example.orders;

import io.asyncipc.test.AsyncIpcTest;
import io.asyncipc.test.PipeTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
@AsyncIpcTest
class OrderDeskTests {

	@Test
	void confirmsAnOrder(PipeTestClient client) {
		Confirmation confirmation = client.convertSendAndReceive(new Order("A-17", 3), Confirmation.class);
		assertThat(confirmation.orderId()).isEqualTo("A-17");
	}

}
