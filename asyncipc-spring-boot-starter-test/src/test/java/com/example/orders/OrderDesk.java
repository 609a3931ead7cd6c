package com.example.orders;

import io.asyncipc.messaging.PipeListener;
import io.asyncipc.transport.PipeConnection;

import org.springframework.stereotype.Component;

/**
 * The listener of the README's example: it confirms each order it receives.
 */
@Component
class OrderDesk {

	@PipeListener
	Confirmation onOrder(Order order, PipeConnection connection) {
		return new Confirmation(order.id(), connection.id());
	}

}
